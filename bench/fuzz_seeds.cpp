// Seed corpora for the libFuzzer targets (bench/fuzz.sh), extracted from the
// shared test data and this repository with the project's own YAML and JSON
// readers (no Python in CI):
//
//   fuzz_seeds OUT_DIR SOURCE...
//
// Every SOURCE (a file or a folder, searched recursively) is read: .yaml/.yml
// files as YAML streams, .json files as JSON, .jsonl files line by line.
// OUT_DIR/<target>/ receives one file per distinct seed (named by a hash of
// its content; at most 1,500 per target, 16 KiB each, a sample by hash), for
// the targets named as CMake names them:
//
//   fuzz_rego_compiler        Rego modules: ConstraintTemplate code (entry and
//                             libs, joined by the target's "----" line), every
//                             "module"/"modules" string (OPA cases, rego-differential)
//   fuzz_cel_compiler         CEL: "expression"/"messageExpression" strings,
//                             cel-differential "expr"
//   fuzz_model_loader         every YAML file whole (templates, constraints,
//                             mutators, samples), and each policy object as JSON
//   fuzz_value_yaml           every YAML file whole
//   fuzz_value_json           every JSON/JSONL document, and objects as JSON
//   fuzz_webhook_admission_codec  AdmissionReviews (v1 and v1beta1) around every
//   fuzz_webhook_admission_router Kubernetes object found, plus vap-differential requests
//   fuzz_mutation_path        mutator "location" and pathTests "subPath" strings
//   fuzz_match_label_selector "labelSelector"/"namespaceSelector"/"objectSelector"/
//                             "selector" objects, with labels found beside them
//   fuzz_mutation_image_reference  "image" strings, and AssignImage parameters
//   fuzz_k8s_quantity         resources limits/requests values, quantity('...') literals
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "rules/value/json.h"
#include "rules/value/yaml.h"

namespace fs = std::filesystem;
using tollgate::value::Value;

namespace {

constexpr size_t kMaxSeedBytes = 16 * 1024;
constexpr size_t kMaxSeedsPerTarget = 1500;

class Corpus {
 public:
  explicit Corpus(fs::path root) : root_(std::move(root)) {}

  void add(const std::string& target, const std::string& seed) {
    if (seed.empty() || seed.size() > kMaxSeedBytes) return;
    seeds_[target].emplace(std::hash<std::string>{}(seed), seed);
    // The whole /validate and /mutate path reads the same bodies.
    if (target == "fuzz_webhook_admission_codec") add("fuzz_webhook_admission_router", seed);
  }

  // Writes at most kMaxSeedsPerTarget seeds per target, a deterministic
  // sample (by content hash): libFuzzer runs every seed at start-up, and
  // thousands of large ones would take the short CI runs' whole time.
  void write() const {
    for (const auto& [target, seeds] : seeds_) {
      fs::path dir = root_ / target;
      fs::create_directories(dir);
      size_t n = 0;
      for (const auto& [hash, seed] : seeds) {
        if (n++ == kMaxSeedsPerTarget) break;
        char name[32];
        std::snprintf(name, sizeof name, "%016zx", hash);
        std::ofstream(dir / name, std::ios::binary) << seed;
      }
      std::cout << target << ": " << std::min(seeds.size(), kMaxSeedsPerTarget) << " seeds of " << seeds.size() << "\n";
    }
  }

 private:
  fs::path root_;
  std::map<std::string, std::map<size_t, std::string>> seeds_;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool is_k8s_object(const Value& v) {
  return v.is_object() && v["apiVersion"].is_string() && v["kind"].is_string() && v["metadata"].is_object();
}

std::string admission_review(const Value& object, const char* api_version) {
  Value kind = Value::object({{Value::string("group"), Value::string("")},
                              {Value::string("version"), Value::string("v1")},
                              {Value::string("kind"), object["kind"]}});
  Value request = Value::object({
      {Value::string("uid"), Value::string("705ab4f5-6393-11e8-b7cc-42010a800002")},
      {Value::string("kind"), kind},
      {Value::string("requestKind"), kind},
      {Value::string("name"), object["metadata"]["name"]},
      {Value::string("namespace"), object["metadata"]["namespace"]},
      {Value::string("operation"), Value::string("CREATE")},
      {Value::string("userInfo"), Value::object({{Value::string("username"), Value::string("kubernetes-admin")}})},
      {Value::string("object"), object},
      {Value::string("oldObject"), Value()},
      {Value::string("dryRun"), Value::boolean(false)},
  });
  return tollgate::value::to_json(Value::object({{Value::string("apiVersion"), Value::string(api_version)},
                                                 {Value::string("kind"), Value::string("AdmissionReview")},
                                                 {Value::string("request"), request}}));
}

// Seeds from any parsed document, by walking every node.
class Walker {
 public:
  explicit Walker(Corpus& corpus) : corpus_(corpus) {}

  void document(const Value& v) {
    walk(v, "", 0);
  }

 private:
  void walk(const Value& v, const std::string& key, int depth) {
    if (depth > 64) return;
    if (v.is_string()) {
      string_field(key, v.as_string());
      return;
    }
    if (v.is_array()) {
      if (key == "modules") {
        for (const Value& m : v.items()) {
          if (m.is_string()) corpus_.add("fuzz_rego_compiler", m.as_string());
        }
      }
      for (const Value& item : v.items()) walk(item, key, depth + 1);
      return;
    }
    if (!v.is_object()) return;
    object(v, key);
    for (const auto& [k, child] : v.entries()) walk(child, k.is_string() ? k.as_string() : "", depth + 1);
  }

  void string_field(const std::string& key, const std::string& s) {
    if (key == "module") corpus_.add("fuzz_rego_compiler", s);
    if (key == "expression" || key == "messageExpression" || key == "expr") corpus_.add("fuzz_cel_compiler", s);
    if (key == "location" || key == "subPath") corpus_.add("fuzz_mutation_path", s);
    if (key == "image") corpus_.add("fuzz_mutation_image_reference", s);
    if (key == "cpu" || key == "memory" || key == "storage" || key == "ephemeral-storage") {
      corpus_.add("fuzz_k8s_quantity", s);
    }
    static const std::regex quantity_literal(R"(quantity\(['"]([^'"]*)['"]\))");
    for (std::sregex_iterator it(s.begin(), s.end(), quantity_literal), end; it != end; ++it) {
      corpus_.add("fuzz_k8s_quantity", (*it)[1].str());
    }
    // Embedded JSON documents (cel-differential "object", vap inputs).
    if (!s.empty() && (s.front() == '{' || s.front() == '[')) {
      Value inner;
      tollgate::value::JsonError error;
      if (tollgate::value::parse_json(s, &inner, &error)) {
        corpus_.add("fuzz_value_json", s);
        walk(inner, "", 1);
      }
    }
  }

  void object(const Value& v, const std::string& key) {
    // ConstraintTemplate code: spec.targets[].rego (+ libs).
    if (const Value* rego = v.find("rego"); rego != nullptr && rego->is_string()) {
      std::string module = rego->as_string();
      if (const Value* libs = v.find("libs"); libs != nullptr && libs->is_array()) {
        for (const Value& lib : libs->items()) {
          if (lib.is_string()) module += "\n----\n" + lib.as_string();
        }
      }
      corpus_.add("fuzz_rego_compiler", module);
    }
    if (key == "labelSelector" || key == "namespaceSelector" || key == "objectSelector" || key == "selector") {
      corpus_.add("fuzz_match_label_selector", tollgate::value::to_json(v));
      Value labels = Value::object({{Value::string("app"), Value::string("web")}});
      if (const Value* ml = v.find("matchLabels"); ml != nullptr && ml->is_object()) labels = *ml;
      corpus_.add("fuzz_match_label_selector", tollgate::value::to_json(Value::array({v, labels})));
    }
    if (key == "parameters" && (v.find("assignDomain") || v.find("assignPath") || v.find("assignTag"))) {
      std::string seed = "nginx:1.25\n" + std::string(v["assignDomain"].string_or("")) + "\n" +
                         std::string(v["assignPath"].string_or("")) + "\n" + std::string(v["assignTag"].string_or(""));
      corpus_.add("fuzz_mutation_image_reference", seed);
    }
    if (key == "request" && v.find("operation") != nullptr) {
      corpus_.add("fuzz_webhook_admission_codec",
                  tollgate::value::to_json(Value::object({{Value::string("apiVersion"), Value::string("admission.k8s.io/v1")},
                                                          {Value::string("kind"), Value::string("AdmissionReview")},
                                                          {Value::string("request"), v}})));
    }
    if (is_k8s_object(v)) {
      std::string json = tollgate::value::to_json(v);
      corpus_.add("fuzz_value_json", json);
      corpus_.add("fuzz_model_loader", json);
      corpus_.add("fuzz_webhook_admission_codec", admission_review(v, "admission.k8s.io/v1"));
      if (std::hash<std::string>{}(json) % 4 == 0) {
        corpus_.add("fuzz_webhook_admission_codec", admission_review(v, "admission.k8s.io/v1beta1"));
      }
    }
  }

  Corpus& corpus_;
};

void read_source(const fs::path& file, Corpus& corpus) {
  std::string ext = file.extension().string();
  Walker walker(corpus);
  if (ext == ".yaml" || ext == ".yml") {
    std::string text = read_file(file);
    corpus.add("fuzz_value_yaml", text);
    corpus.add("fuzz_model_loader", text);
    std::vector<tollgate::value::YamlDocument> docs;
    tollgate::value::YamlError error;
    if (!tollgate::value::parse_yaml(text, &docs, &error)) return;
    for (const auto& doc : docs) walker.document(doc.value);
  } else if (ext == ".json") {
    std::string text = read_file(file);
    corpus.add("fuzz_value_json", text);
    Value v;
    tollgate::value::JsonError error;
    if (tollgate::value::parse_json(text, &v, &error)) walker.document(v);
  } else if (ext == ".jsonl") {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      Value v;
      tollgate::value::JsonError error;
      if (tollgate::value::parse_json(line, &v, &error)) walker.document(v);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: fuzz_seeds OUT_DIR SOURCE...\n";
    return 2;
  }
  Corpus corpus{fs::path(argv[1])};
  for (int i = 2; i < argc; ++i) {
    fs::path source(argv[i]);
    std::error_code ec;
    if (fs::is_regular_file(source, ec)) {
      read_source(source, corpus);
      continue;
    }
    std::vector<fs::path> files;
    for (fs::recursive_directory_iterator it(source, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file()) files.push_back(it->path());
    }
    if (ec) {
      std::cerr << "fuzz_seeds: cannot read " << source << ": " << ec.message() << "\n";
      return 1;
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) read_source(f, corpus);
  }
  corpus.write();
  return 0;
}
