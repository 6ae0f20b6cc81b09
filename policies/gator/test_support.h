// Helpers for the gator tests: a scratch directory tree that disappears
// with the test, and a PolicySet double whose results the test decides.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "policies/mutation/compiled_mutation_system.h"
#include "policies/policy_set.h"

namespace tollgate::policies::gator::testing {

class TempTree {
 public:
  TempTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tollgate-gator-XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  // Writes `content` to root/relative, creating directories; returns the full path.
  std::string write(const std::string& relative, const std::string& content) const {
    std::filesystem::path p = std::filesystem::path(root_) / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
    return p.string();
  }
  std::string path(const std::string& relative = "") const {
    return relative.empty() ? root_ : (std::filesystem::path(root_) / relative).string();
  }

 private:
  std::string root_;
};

// A PolicySet whose decision is computed by the test from the review input.
class FakePolicySet final : public PolicySet {
 public:
  using Review = std::function<std::vector<Result>(const ReviewInput&)>;
  explicit FakePolicySet(Review review, std::string unsupported_kind = "")
      : review_(std::move(review)), unsupported_kind_(std::move(unsupported_kind)) {}

  Decision validate(const ReviewInput& input, ReviewObserver*) const override {
    Decision d;
    d.results = review_(input);
    for (const Result& r : d.results) {
      if (r.enforcement_action == "deny") d.allowed = false;
    }
    return d;
  }
  PolicyStats stats() const override { return {}; }
  bool template_supported(std::string_view constraint_kind, std::string* reason) const override {
    if (constraint_kind != unsupported_kind_) return true;
    if (reason != nullptr) *reason = "Rego engine not available";
    return false;
  }
  std::vector<std::string> unsupported_templates() const override {
    if (unsupported_kind_.empty()) return {};
    return {unsupported_kind_};
  }
  // No mutators: objects are reviewed as they are.
  const mutation::MutationSystem& mutation() const override { return *mutation_; }

 private:
  Review review_;
  std::string unsupported_kind_;
  std::shared_ptr<const mutation::MutationSystem> mutation_ = mutation::build_mutation_system({}, {});
};

// One deny result of constraint kind/name with `message`.
inline Result deny_result(std::string message, std::string name = "c", std::string kind = "K8sTest") {
  Result r;
  r.constraint_kind = std::move(kind);
  r.constraint_name = std::move(name);
  r.message = std::move(message);
  r.details = value::Value::empty_object();
  r.enforcement_action = "deny";
  return r;
}

}  // namespace tollgate::policies::gator::testing
