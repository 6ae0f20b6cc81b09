#include "policies/sarif/sarif_log.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <unordered_map>

#include "rules/value/json.h"

namespace tollgate::policies::sarif {
namespace {

namespace fs = std::filesystem;
using value::Value;

Value str(const std::string& s) { return Value::string(s); }

// RFC 3986: unreserved bytes and '/' stay, every other byte is %-encoded
// (so a relative reference never has a ':' in its first segment).
std::string percent_encoded(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size());
  for (unsigned char c : path) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                 c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

fs::path root_directory(const std::string& root) {
  std::error_code ec;
  fs::path r = root.empty() ? fs::current_path(ec) : fs::absolute(root, ec);
  r = r.lexically_normal();
  if (!r.has_filename() && r.has_relative_path()) r = r.parent_path();  // "/a/b/" -> "/a/b"
  return r;
}

// `absolute` relative to `root` when it is below it; empty otherwise.
fs::path below(const fs::path& absolute, const fs::path& root) {
  fs::path relative = absolute.lexically_relative(root);
  if (relative.empty() || relative == "." || *relative.begin() == "..") return {};
  return relative;
}

struct Placed {
  fs::path absolute;
  fs::path relative;  // empty: not under the root
};

// A path from the command line (relative ones to the current directory)
// against the root: by its words first (a link inside the checkout stays
// where the user named it), then through symbolic links (a root or a path
// reached through one).
Placed place(const std::string& path, const fs::path& root) {
  std::error_code ec;
  fs::path p(path);
  Placed placed;
  placed.absolute = (p.is_absolute() ? p : fs::current_path(ec) / p).lexically_normal();
  placed.relative = below(placed.absolute, root);
  if (placed.relative.empty()) {
    std::error_code a_ec, r_ec;
    fs::path canonical = fs::weakly_canonical(placed.absolute, a_ec);
    fs::path canonical_root = fs::weakly_canonical(root, r_ec);
    if (!a_ec && !r_ec) placed.relative = below(canonical, canonical_root);
  }
  return placed;
}

ArtifactLocation located(const std::string& path, const fs::path& root) {
  Placed placed = place(path, root);
  if (!placed.relative.empty()) return {percent_encoded(placed.relative.generic_string()), kSourceRoot};
  return {"file://" + percent_encoded(placed.absolute.generic_string()), ""};
}

Value result_value(const Rule& rule, const Finding& f, const ArtifactLocation* artifact) {
  std::vector<Value::Entry> location;
  if (artifact != nullptr) {
    std::vector<Value::Entry> artifact_entries = {{str("uri"), str(artifact->uri)}};
    if (!artifact->uri_base_id.empty()) artifact_entries.push_back({str("uriBaseId"), str(artifact->uri_base_id)});
    std::vector<Value::Entry> physical = {{str("artifactLocation"), Value::object(std::move(artifact_entries))}};
    if (f.line > 0) {
      std::vector<Value::Entry> region = {{str("startLine"), Value::integer(f.line)}};
      if (f.column > 0) region.push_back({str("startColumn"), Value::integer(f.column)});
      physical.push_back({str("region"), Value::object(std::move(region))});
    }
    location.push_back({str("physicalLocation"), Value::object(std::move(physical))});
  }
  if (!f.logical_name.empty()) {
    location.push_back({str("logicalLocations"), Value::array({Value::object({{str("fullyQualifiedName"), str(f.logical_name)},
                                                                             {str("kind"), str("resource")}})})});
  }
  std::vector<Value::Entry> entries = {
      {str("ruleId"), str(rule.id)},
      {str("ruleIndex"), Value::integer(static_cast<int64_t>(f.rule_index))},
      {str("level"), str(f.level)},
      {str("message"), Value::object({{str("text"), str(f.message)}})},
  };
  if (!location.empty()) entries.push_back({str("locations"), Value::array({Value::object(std::move(location))})});
  return Value::object(std::move(entries));
}

}  // namespace

std::string level_for(const std::string& action, const std::vector<std::string>& scoped_actions) {
  auto has = [&](const char* a) {
    return action == a || std::find(scoped_actions.begin(), scoped_actions.end(), a) != scoped_actions.end();
  };
  if (has("deny")) return "error";
  if (has("warn")) return "warning";
  return "note";
}

ArtifactLocation artifact_location(const std::string& path, const std::string& root) {
  return located(path, root_directory(root));
}

std::string display_path(const std::string& path, const std::string& root) {
  Placed placed = place(path, root_directory(root));
  return placed.relative.empty() ? path : placed.relative.generic_string();
}

std::string sarif_log(const std::vector<Rule>& rules, const std::vector<Finding>& findings, const LogOptions& options) {
  std::vector<Value> rule_values;
  for (const Rule& r : rules) {
    std::vector<Value::Entry> entries = {
        {str("id"), str(r.id)},
        {str("name"), str(r.name)},
        {str("shortDescription"), Value::object({{str("text"), str(r.description)}})},
        {str("defaultConfiguration"), Value::object({{str("level"), str(r.level)}})},
    };
    if (!r.properties.is_null()) entries.push_back({str("properties"), r.properties});
    rule_values.push_back(Value::object(std::move(entries)));
  }
  fs::path root = root_directory(options.root);
  std::unordered_map<std::string, ArtifactLocation> artifacts;  // by file: placing one touches the file system
  bool uses_root = false;
  std::vector<Value> results;
  results.reserve(findings.size());
  for (const Finding& f : findings) {
    const ArtifactLocation* artifact = nullptr;
    if (!f.file.empty() && f.file != "-") {
      auto it = artifacts.find(f.file);
      if (it == artifacts.end()) it = artifacts.emplace(f.file, located(f.file, root)).first;
      artifact = &it->second;
      uses_root = uses_root || !artifact->uri_base_id.empty();
    }
    results.push_back(result_value(rules.at(f.rule_index), f, artifact));
  }
  std::vector<Value::Entry> invocation = {{str("executionSuccessful"), Value::boolean(true)}};
  if (!options.start_time.empty()) invocation.push_back({str("startTimeUtc"), str(options.start_time)});
  std::vector<Value::Entry> run = {
      {str("tool"), Value::object({{str("driver"), Value::object({{str("name"), str("tollgate")},
                                                                  {str("rules"), Value::array(std::move(rule_values))}})}})},
      {str("results"), Value::array(std::move(results))},
      {str("invocations"), Value::array({Value::object(std::move(invocation))})},
      {str("columnKind"), str("unicodeCodePoints")},
  };
  if (uses_root) {
    // An absolute URI ending in '/', as SARIF wants of a uriBaseId's definition.
    std::string root_uri = "file://" + percent_encoded(root.generic_string());
    if (root_uri.back() != '/') root_uri += '/';
    run.push_back({str("originalUriBaseIds"), Value::object({{str(kSourceRoot), Value::object({{str("uri"), str(root_uri)}})}})});
  }
  return value::to_json_pretty(Value::object({
             {str("$schema"), str(kSchemaUri)},
             {str("version"), str("2.1.0")},
             {str("runs"), Value::array({Value::object(std::move(run))})},
         })) +
         "\n";
}

}  // namespace tollgate::policies::sarif
