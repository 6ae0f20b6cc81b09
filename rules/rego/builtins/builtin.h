// Rego builtin functions: the calling convention and the registry.
//
// A builtin takes its (already evaluated, ground) arguments and returns a
// value, or std::nullopt for "undefined without error" (rare), or throws
// BuiltinError. The evaluator turns a BuiltinError into an undefined
// expression unless strict builtin errors are on (rego-notes.md §6).
// Relations (walk) yield any number of values instead.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rules/value/eval_budget.h"
#include "rules/value/value.h"

namespace tollgate::rego {

using value::Value;

class BuiltinError : public std::runtime_error {
 public:
  enum class Code { Type, Builtin };  // eval_type_error, eval_builtin_error
  BuiltinError(Code code, std::string message) : std::runtime_error(std::move(message)), code_(code) {}
  Code code() const { return code_; }
  const char* code_name() const { return code_ == Code::Type ? "eval_type_error" : "eval_builtin_error"; }

 private:
  Code code_;
};

// Per-query state a builtin may use. One per evaluation; not shared between threads.
struct BuiltinContext {
  // Wall clock for time.now_ns, fixed once per query (OPA caches it per
  // query); 0 until time.now_ns first reads the clock.
  int64_t now_ns = 0;
  // trace() notes, when tracing (--explain); null otherwise.
  std::vector<std::string>* trace_notes = nullptr;
  // Results of non-deterministic builtins (rand.intn, uuid.rfc4122) by call,
  // so repeated calls within one query agree.
  std::unordered_map<std::string, Value>* nondeterministic_cache = nullptr;
};

// Builtins whose work grows with their input (parsing, marshalling,
// formatting, regex over a string) charge it to the evaluation's step budget,
// one step per `bytes_per_step` bytes, so that a huge input, or a loop over a
// big one, trips the budget with the usual eval_cancel_error (and lets the
// clock be looked at) instead of running long. Inputs under kFreeWorkBytes
// cost nothing beyond the call's own step: the common small call pays one
// compare.
inline constexpr size_t kFreeWorkBytes = 4096;
inline void charge_work(size_t bytes, size_t bytes_per_step = 16) {
  if (bytes >= kFreeWorkBytes) [[unlikely]] value::charge_steps(bytes / bytes_per_step);
}

using BuiltinFunction = std::optional<Value> (*)(std::span<const Value> args, BuiltinContext& ctx);
// Calls yield(v) for every value; stops early when yield returns false.
using RelationFunction = void (*)(std::span<const Value> args, BuiltinContext& ctx,
                                  const std::function<bool(const Value&)>& yield);

struct BuiltinInfo {
  std::string name;          // "regex.match", "plus", "internal.member_2"
  int arity = 0;             // number of arguments (without the optional output argument)
  BuiltinFunction function = nullptr;
  RelationFunction relation = nullptr;  // set instead of function for relations
  bool deprecated = false;   // rejected in Rego v1 modules (any, all, re_match, set_diff, cast_*, net.cidr_overlap)
  bool nondeterministic = false;
  // Non-empty: calling it is refused with this message (network access: http.send, net.lookup_ip_addr).
  std::string refused = {};
};

class BuiltinRegistry {
 public:
  // Every builtin Tollgate provides, built once.
  static const BuiltinRegistry& standard();

  void add(BuiltinInfo info);
  const BuiltinInfo* find(std::string_view name) const;
  std::vector<std::string> names() const;  // sorted

 private:
  std::unordered_map<std::string, BuiltinInfo> by_name_;
};

// One registration function per theme (each in builtins/<theme>.cpp).
void register_operator_builtins(BuiltinRegistry& r);     // equal neq lt lte gt gte plus minus mul div rem and or
                                                         // internal.member_2/3, assignment helpers
void register_string_builtins(BuiltinRegistry& r);       // concat contains endswith startswith format_int indexof
                                                         // indexof_n lower upper replace split sprintf substring trim*
                                                         // strings.* (any_prefix_match, replace_n, reverse, count,
                                                         // render_template) ...
void register_regex_builtins(BuiltinRegistry& r);        // regex.* re_match
void register_glob_builtins(BuiltinRegistry& r);         // glob.match glob.quote_meta
void register_number_builtins(BuiltinRegistry& r);       // abs ceil floor round numbers.range numbers.range_step
                                                         // count sum product max min sort rand.intn bits.*
void register_array_builtins(BuiltinRegistry& r);        // array.concat array.slice array.reverse
void register_set_builtins(BuiltinRegistry& r);          // intersection union set_diff
void register_object_builtins(BuiltinRegistry& r);       // object.get keys remove filter union union_n subset
                                                         // json.filter json.remove json.patch walk
void register_type_builtins(BuiltinRegistry& r);         // is_* type_name
void register_conversion_builtins(BuiltinRegistry& r);   // to_number cast_* any all
void register_encoding_builtins(BuiltinRegistry& r);     // base64* hex.* json.* yaml.* urlquery.*
void register_unit_builtins(BuiltinRegistry& r);         // units.parse units.parse_bytes
void register_semver_builtins(BuiltinRegistry& r);       // semver.compare semver.is_valid
void register_time_builtins(BuiltinRegistry& r);         // time.*
void register_net_builtins(BuiltinRegistry& r);          // net.cidr_* net.lookup_ip_addr (refused) http.send (refused)
void register_misc_builtins(BuiltinRegistry& r);         // trace print opa.runtime uuid.* crypto hashes
void register_template_string_builtins(BuiltinRegistry& r);  // internal.template_string ($"..." strings)
void register_jwt_builtins(BuiltinRegistry& r);              // io.jwt.decode
void register_jwt_verify_builtins(BuiltinRegistry& r);       // io.jwt.verify_* io.jwt.decode_verify
void register_jwt_sign_builtins(BuiltinRegistry& r);         // io.jwt.encode_sign io.jwt.encode_sign_raw
void register_x509_builtins(BuiltinRegistry& r);             // crypto.x509.* crypto.parse_private_keys
void register_aws_builtins(BuiltinRegistry& r);              // providers.aws.sign_req
void register_rego_parse_builtins(BuiltinRegistry& r);       // rego.parse_module
void register_json_schema_builtins(BuiltinRegistry& r);      // json.verify_schema json.match_schema
void register_graphql_builtins(BuiltinRegistry& r);      // graphql.parse* graphql.is_valid graphql.schema_is_valid

}  // namespace tollgate::rego
