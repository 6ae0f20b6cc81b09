#include "rules/rego/compiler/builtin_signatures.h"

#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace tollgate::rego::types {

namespace {

// name, arguments, result: each "name: type" (or a bare type where OPA
// declares no names), types in OPA's printed notation. From OPA's
// ast/builtins.go; the order of any<...> members does not matter (sorted on
// parsing).
struct Signature {
  const char* name;
  const char* args;
  const char* result;
};

constexpr const char* kStrArrSet = "any<string, array[string], set[string]>";

const Signature kSignatures[] = {
    {"eq", "any, any", "boolean"},
    {"assign", "any, any", "boolean"},
    {"internal.member_2", "any, any", "boolean"},
    {"internal.member_3", "any, any, any", "boolean"},
    {"gt", "x: any, y: any", "result: boolean"},
    {"gte", "x: any, y: any", "result: boolean"},
    {"lt", "x: any, y: any", "result: boolean"},
    {"lte", "x: any, y: any", "result: boolean"},
    {"neq", "x: any, y: any", "result: boolean"},
    {"equal", "x: any, y: any", "result: boolean"},
    {"plus", "x: number, y: number", "z: number"},
    {"minus", "x: any<number, set[any]>, y: any<number, set[any]>", "z: any<number, set[any]>"},
    {"mul", "x: number, y: number", "z: number"},
    {"div", "x: number, y: number", "z: number"},
    {"round", "x: number", "y: number"},
    {"ceil", "x: number", "y: number"},
    {"floor", "x: number", "y: number"},
    {"abs", "x: number", "y: number"},
    {"rem", "x: number, y: number", "z: number"},
    {"bits.or", "x: number, y: number", "z: number"},
    {"bits.and", "x: number, y: number", "z: number"},
    {"bits.negate", "x: number", "z: number"},
    {"bits.xor", "x: number, y: number", "z: number"},
    {"bits.lsh", "x: number, s: number", "z: number"},
    {"bits.rsh", "x: number, s: number", "z: number"},
    {"and", "x: set[any], y: set[any]", "z: set[any]"},
    {"or", "x: set[any], y: set[any]", "z: set[any]"},
    {"intersection", "xs: set[set[any]]", "y: set[any]"},
    {"union", "xs: set[set[any]]", "y: set[any]"},
    {"count", "collection: any<string, array[any], object[any: any], set[any]>", "n: number"},
    {"sum", "collection: any<array[number], set[number]>", "n: number"},
    {"product", "collection: any<array[number], set[number]>", "n: number"},
    {"max", "collection: any<array[any], set[any]>", "n: any"},
    {"min", "collection: any<array[any], set[any]>", "n: any"},
    {"sort", "collection: any<array[any], set[any]>", "n: array[any]"},
    {"array.concat", "x: array[any], y: array[any]", "z: array[any]"},
    {"array.slice", "arr: array[any], start: number, stop: number", "slice: array[any]"},
    {"array.reverse", "arr: array[any]", "rev: array[any]"},
    {"to_number", "x: any<null, boolean, number, string>", "num: number"},
    {"regex.match", "pattern: string, value: string", "result: boolean"},
    {"regex.is_valid", "pattern: string", "result: boolean"},
    {"regex.find_all_string_submatch_n", "pattern: string, value: string, number: number",
     "output: array[array[string]]"},
    {"regex.template_match", "template: string, value: string, delimiter_start: string, delimiter_end: string",
     "result: boolean"},
    {"regex.split", "pattern: string, value: string", "output: array[string]"},
    {"regex.find_n", "pattern: string, value: string, number: number", "output: array[string]"},
    {"regex.globs_match", "glob1: string, glob2: string", "result: boolean"},
    {"regex.replace", "s: string, pattern: string, value: string", "output: string"},
    {"strings.any_prefix_match", "search: STRARRSET, base: STRARRSET", "result: boolean"},
    {"strings.any_suffix_match", "search: STRARRSET, base: STRARRSET", "result: boolean"},
    {"concat", "delimiter: string, collection: any<array[string], set[string]>", "output: string"},
    {"format_int", "number: number, base: number", "output: string"},
    {"indexof", "haystack: string, needle: string", "output: number"},
    {"indexof_n", "haystack: string, needle: string", "output: array[number]"},
    {"substring", "value: string, offset: number, length: number", "output: string"},
    {"contains", "haystack: string, needle: string", "result: boolean"},
    {"strings.count", "search: string, substring: string", "output: number"},
    {"startswith", "search: string, base: string", "result: boolean"},
    {"endswith", "search: string, base: string", "result: boolean"},
    {"lower", "x: string", "y: string"},
    {"upper", "x: string", "y: string"},
    {"split", "x: string, delimiter: string", "ys: array[string]"},
    {"replace", "x: string, old: string, new: string", "y: string"},
    {"strings.replace_n", "patterns: object[string: string], value: string", "output: string"},
    {"trim", "value: string, cutset: string", "output: string"},
    {"trim_left", "value: string, cutset: string", "output: string"},
    {"trim_prefix", "value: string, prefix: string", "output: string"},
    {"trim_right", "value: string, cutset: string", "output: string"},
    {"trim_suffix", "value: string, suffix: string", "output: string"},
    {"trim_space", "value: string", "output: string"},
    {"sprintf", "format: string, values: array[any]", "output: string"},
    {"strings.reverse", "x: string", "y: string"},
    {"strings.render_template", "value: string, vars: object[string: any]", "result: string"},
    {"rand.intn", "str: string, n: number", "y: number"},
    {"numbers.range", "a: number, b: number", "range: array[number]"},
    {"numbers.range_step", "a: number, b: number, step: number", "range: array[number]"},
    {"units.parse", "x: string", "y: number"},
    {"units.parse_bytes", "x: string", "y: number"},
    {"uuid.rfc4122", "k: string", "output: string"},
    {"uuid.parse", "uuid: string", "result: object[string: any]"},
    {"json.filter", "object: object[any: any], paths: any<array[any<string, array[any]>], set[any<string, array[any]>]>",
     "filtered: any"},
    {"json.remove", "object: object[any: any], paths: any<array[any<string, array[any]>], set[any<string, array[any]>]>",
     "output: any"},
    {"json.patch", "object: any, patches: array[object<op: string, path: any>[any: any]]", "output: any"},
    {"object.subset", "super: any<array[any], object[any: any], set[any]>, sub: any<array[any], object[any: any], set[any]>",
     "result: any"},
    {"object.union", "a: object[any: any], b: object[any: any]", "output: any"},
    {"object.union_n", "objects: array[object[any: any]]", "output: any"},
    {"object.remove", "object: object[any: any], keys: any<array[any], object[any: any], set[any]>", "output: any"},
    {"object.filter", "object: object[any: any], keys: any<array[any], object[any: any], set[any]>", "filtered: any"},
    {"object.get", "object: object[any: any], key: any, default: any", "value: any"},
    {"object.keys", "object: object[any: any]", "value: set[any]"},
    {"json.marshal", "x: any", "y: string"},
    {"json.marshal_with_options", "x: any, opts: object<indent: string, prefix: string, pretty: boolean>[string: any]",
     "y: string"},
    {"json.unmarshal", "x: string", "y: any"},
    {"json.is_valid", "x: string", "result: boolean"},
    {"base64.encode", "x: string", "y: string"},
    {"base64.decode", "x: string", "y: string"},
    {"base64.is_valid", "x: string", "result: boolean"},
    {"base64url.encode", "x: string", "y: string"},
    {"base64url.encode_no_pad", "x: string", "y: string"},
    {"base64url.decode", "x: string", "y: string"},
    {"urlquery.decode", "x: string", "y: string"},
    {"urlquery.encode", "x: string", "y: string"},
    {"urlquery.encode_object", "object: object[string: STRARRSET]", "y: string"},
    {"urlquery.decode_object", "x: string", "object: object[string: array[string]]"},
    {"yaml.marshal", "x: any", "y: string"},
    {"yaml.unmarshal", "x: string", "y: any"},
    {"yaml.is_valid", "x: string", "result: boolean"},
    {"hex.encode", "x: string", "y: string"},
    {"hex.decode", "x: string", "y: string"},
    {"io.jwt.decode", "jwt: string", "output: array<object[any: any], object[any: any], string>"},
    {"io.jwt.verify_rs256", "jwt: string, certificate: string", "result: boolean"},
    {"io.jwt.verify_rs384", "jwt: string, certificate: string", "result: boolean"},
    {"io.jwt.verify_rs512", "jwt: string, certificate: string", "result: boolean"},
    {"io.jwt.verify_ps256", "jwt: string, certificate: string", "result: boolean"},
    {"io.jwt.verify_ps384", "jwt: string, certificate: string", "result: boolean"},
    {"io.jwt.verify_ps512", "jwt: string, certificate: string", "result: boolean"},
    {"io.jwt.verify_es256", "jwt: string, certificate: string", "result: boolean"},
    {"io.jwt.verify_es384", "jwt: string, certificate: string", "result: boolean"},
    {"io.jwt.verify_es512", "jwt: string, certificate: string", "result: boolean"},
    {"io.jwt.verify_eddsa", "jwt: string, certificate: string", "result: boolean"},
    {"io.jwt.verify_hs256", "jwt: string, secret: string", "result: boolean"},
    {"io.jwt.verify_hs384", "jwt: string, secret: string", "result: boolean"},
    {"io.jwt.verify_hs512", "jwt: string, secret: string", "result: boolean"},
    {"io.jwt.decode_verify", "jwt: string, constraints: object[string: any]",
     "output: array<boolean, object[any: any], object[any: any]>"},
    {"io.jwt.encode_sign_raw", "headers: string, payload: string, key: string", "output: string"},
    {"io.jwt.encode_sign", "headers: object[string: any], payload: object[string: any], key: object[string: any]",
     "output: string"},
    {"time.now_ns", "", "now: number"},
    {"time.parse_ns", "layout: string, value: string", "ns: number"},
    {"time.parse_rfc3339_ns", "value: string", "ns: number"},
    {"time.parse_duration_ns", "duration: string", "ns: number"},
    {"time.format", "x: any<number, array<number, string>, array<number, string, string>>",
     "formatted timestamp: string"},
    {"time.date", "x: any<number, array<number, string>>", "date: array<number, number, number>"},
    {"time.clock", "x: any<number, array<number, string>>", "output: array<number, number, number>"},
    {"time.weekday", "x: any<number, array<number, string>>", "day: string"},
    {"time.add_date", "ns: number, years: number, months: number, days: number", "output: number"},
    {"time.diff", "ns1: any<number, array<number, string>>, ns2: any<number, array<number, string>>",
     "output: array<number, number, number, number, number, number>"},
    {"crypto.x509.parse_certificates", "certs: string", "output: array[object[string: any]]"},
    {"crypto.x509.parse_and_verify_certificates", "certs: string",
     "output: array<boolean, array[object[string: any]]>"},
    {"crypto.x509.parse_and_verify_certificates_with_options", "certs: string, options: object[string: any]",
     "output: array<boolean, array[object[string: any]]>"},
    {"crypto.x509.parse_certificate_request", "csr: string", "output: object[string: any]"},
    {"crypto.x509.parse_keypair", "cert: string, pem: string", "output: object[string: any]"},
    {"crypto.x509.parse_rsa_private_key", "pem: string", "output: object[string: any]"},
    {"crypto.parse_private_keys", "keys: string", "output: array[object[string: any]]"},
    {"crypto.md5", "x: string", "y: string"},
    {"crypto.sha1", "x: string", "y: string"},
    {"crypto.sha256", "x: string", "y: string"},
    {"crypto.hmac.md5", "x: string, key: string", "y: string"},
    {"crypto.hmac.sha1", "x: string, key: string", "y: string"},
    {"crypto.hmac.sha256", "x: string, key: string", "y: string"},
    {"crypto.hmac.sha512", "x: string, key: string", "y: string"},
    {"crypto.hmac.equal", "mac1: string, mac2: string", "result: boolean"},
    {"walk", "x: any", "output: array<array[any], any>"},
    {"graph.reachable", "graph: object[any: any<array[any], set[any]>], initial: any<array[any], set[any]>",
     "output: set[any]"},
    {"graph.reachable_paths", "graph: object[any: any<array[any], set[any]>], initial: any<array[any], set[any]>",
     "output: set[array[any]]"},
    {"is_number", "x: any", "result: boolean"},
    {"is_string", "x: any", "result: boolean"},
    {"is_boolean", "x: any", "result: boolean"},
    {"is_array", "x: any", "result: boolean"},
    {"is_set", "x: any", "result: boolean"},
    {"is_object", "x: any", "result: boolean"},
    {"is_null", "x: any", "result: boolean"},
    {"type_name", "x: any", "type: string"},
    {"http.send", "request: object[string: any]", "response: object[any: any]"},
    {"graphql.parse", "query: any<string, object[any: any]>, schema: any<string, object[any: any]>",
     "output: array<object[any: any], object[any: any]>"},
    {"graphql.parse_and_verify", "query: any<string, object[any: any]>, schema: any<string, object[any: any]>",
     "output: array<boolean, object[any: any], object[any: any]>"},
    {"graphql.parse_query", "query: string", "output: object[any: any]"},
    {"graphql.parse_schema", "schema: string", "output: object[any: any]"},
    {"graphql.is_valid", "query: any<string, object[any: any]>, schema: any<string, object[any: any]>",
     "output: boolean"},
    {"graphql.schema_is_valid", "schema: any<string, object[any: any]>", "output: boolean"},
    {"json.verify_schema", "schema: any<string, object[any: any]>", "output: array<boolean, any<null, string>>"},
    {"json.match_schema", "document: any<string, object[any: any]>, schema: any<string, object[any: any]>",
     "output: array<boolean, array[object<desc: string, error: string, field: string, type: string>]>"},
    {"providers.aws.sign_req", "request: object[string: any], aws_config: object[string: any], time_ns: number",
     "signed_request: object[any: any]"},
    {"rego.parse_module", "filename: string, rego: string", "output: object[string: any]"},
    {"rego.metadata.chain", "", "chain: array[any]"},
    {"rego.metadata.rule", "", "output: any"},
    {"opa.runtime", "", "output: object[string: any]"},
    {"trace", "note: string", "result: boolean"},
    {"glob.match", "pattern: string, delimiters: any<null, array[string]>, match: string", "result: boolean"},
    {"glob.quote_meta", "pattern: string", "output: string"},
    {"net.cidr_intersects", "cidr1: string, cidr2: string", "result: boolean"},
    {"net.cidr_expand", "cidr: string", "hosts: set[string]"},
    {"net.cidr_contains", "cidr: string, cidr_or_ip: string", "result: boolean"},
    {"net.cidr_contains_matches", "cidrs: CIDRS, cidrs_or_ips: CIDRS", "output: set[array<any, any>]"},
    {"net.cidr_merge", "addrs: any<array[any<string>], set[string]>", "output: set[string]"},
    {"net.cidr_is_valid", "cidr: string", "result: boolean"},
    {"net.lookup_ip_addr", "name: string", "addrs: set[string]"},
    {"semver.is_valid", "vsn: any", "result: boolean"},
    {"semver.compare", "a: string, b: string", "result: number"},
    {"internal.template_string", "array[any]", "string"},
    {"set_diff", "set[any], set[any]", "set[any]"},
    {"net.cidr_overlap", "string, string", "boolean"},
    {"cast_array", "any", "array[any]"},
    {"cast_set", "any", "set[any]"},
    {"cast_string", "any", "string"},
    {"cast_boolean", "any", "boolean"},
    {"cast_null", "any", "null"},
    {"cast_object", "any", "object[any: any]"},
    {"re_match", "string, string", "boolean"},
    {"all", "any<array[any], set[any]>", "boolean"},
    {"any", "any<array[any], set[any]>", "boolean"},
};

constexpr const char* kCidrs =
    "any<string, array[any<string, array[any]>], object[string: any<string, array[any]>], "
    "set[any<string, array[any]>]>";

std::string expand(std::string s) {
  for (auto [macro, text] : {std::pair<std::string, std::string>{"STRARRSET", kStrArrSet}, {"CIDRS", kCidrs}}) {
    for (size_t p = s.find(macro); p != std::string::npos; p = s.find(macro, p + text.size())) {
      s.replace(p, macro.size(), text);
    }
  }
  return s;
}

// "name: type" or "type" -> (name, type).
std::pair<std::string, TypeRef> parse_named(std::string_view part, const char* builtin) {
  std::string name;
  std::string_view type_text = part;
  // A name is followed by ": " at nesting depth 0; types only have ": " inside brackets.
  int depth = 0;
  for (size_t i = 0; i + 1 < part.size(); ++i) {
    char c = part[i];
    if (c == '<' || c == '[') ++depth;
    if (c == '>' || c == ']') --depth;
    if (depth == 0 && c == ':' && part[i + 1] == ' ') {
      name = std::string(part.substr(0, i));
      type_text = part.substr(i + 2);
      break;
    }
  }
  auto t = parse_type(type_text);
  if (!t) throw std::logic_error(std::string("bad builtin signature for ") + builtin + ": " + std::string(part));
  return {name, *t};
}

std::vector<std::string_view> split_top(std::string_view s) {
  std::vector<std::string_view> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<' || c == '[') ++depth;
    if (c == '>' || c == ']') --depth;
    if (depth == 0 && c == ',') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
      while (start < s.size() && s[start] == ' ') ++start;
    }
  }
  if (start < s.size()) out.push_back(s.substr(start));
  return out;
}

std::unordered_map<std::string, TypeRef> build_table() {
  std::unordered_map<std::string, TypeRef> out;
  for (const auto& sig : kSignatures) {
    std::string args = expand(sig.args);
    std::vector<TypeRef> arg_types;
    std::vector<std::string> names;
    bool named = false;
    for (auto part : split_top(args)) {
      auto [n, t] = parse_named(part, sig.name);
      named = named || !n.empty();
      names.push_back(n);
      arg_types.push_back(t);
    }
    auto [rn, rt] = parse_named(expand(sig.result), sig.name);
    named = named || !rn.empty();
    names.push_back(rn);
    if (!named) names.clear();
    out[sig.name] = function_type(std::move(arg_types), rt, std::move(names));
  }
  return out;
}

}  // namespace

const TypeRef* builtin_signature(std::string_view name) {
  static const std::unordered_map<std::string, TypeRef> table = build_table();
  auto it = table.find(std::string(name));
  return it == table.end() ? nullptr : &it->second;
}

}  // namespace tollgate::rego::types
