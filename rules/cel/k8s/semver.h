// Semantic versions as the Kubernetes CEL semver library parses them:
// github.com/blang/semver/v4 strict parsing, plus Kubernetes' optional
// normalization (strip a leading "v", pad "1" and "1.2" to three parts, drop
// leading zeros).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::cel::k8s {

class Semver {
 public:
  // blang semver.Parse (or Kubernetes' normalizeAndParse when normalize is
  // set); the error is the library's message, e.g.
  // `Invalid character(s) found in major number "v1"`.
  static std::optional<Semver> parse(std::string_view text, bool normalize = false, std::string* error = nullptr);

  uint64_t major() const { return major_; }
  uint64_t minor() const { return minor_; }
  uint64_t patch() const { return patch_; }
  // Precedence per semver 2.0: build metadata is ignored; -1, 0, 1.
  int compare(const Semver& other) const;
  // "1.2.3-rc.1+build.5".
  std::string to_string() const;

 private:
  struct PreRelease {
    bool numeric = false;
    uint64_t number = 0;
    std::string text;
    int compare(const PreRelease& other) const;
  };
  uint64_t major_ = 0;
  uint64_t minor_ = 0;
  uint64_t patch_ = 0;
  std::vector<PreRelease> pre_;
  std::vector<std::string> build_;
};

}  // namespace tollgate::cel::k8s
