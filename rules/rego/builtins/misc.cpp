// trace, internal.print, opa.runtime, uuid.rfc4122, uuid.parse, test.sleep,
// and the crypto digests and HMACs (OpenSSL).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <thread>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/go_time.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/value_text.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;

std::string to_hex(const unsigned char* bytes, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0xF]);
  }
  return out;
}

// trace(note) records the note when tracing; always true.
std::optional<Value> trace(Args args, BuiltinContext& ctx) {
  const std::string& note = string_operand(args, 1);
  if (ctx.trace_notes) ctx.trace_notes->push_back(note);
  return Value::boolean(true);
}

// OPA compiles print(a, b) to internal.print([{a...}, {b...}]): each operand
// is the set of its values (empty when undefined). One line per combination,
// strings raw and other values as Rego text, recorded with the trace notes.
void print_combinations(const std::vector<Value>& operands, size_t i, std::vector<std::string>& parts,
                        std::vector<std::string>& out) {
  if (i == operands.size()) {
    std::string line;
    for (size_t k = 0; k < parts.size(); ++k) line += (k ? " " : "") + parts[k];
    out.push_back(std::move(line));
    return;
  }
  const Value& values = operands[i];
  if (!values.is_set()) throw_builtin_error(std::string("illegal argument type: ") + rego_type_name(values));
  if (values.items().empty()) {
    parts[i] = "<undefined>";
    print_combinations(operands, i + 1, parts, out);
    return;
  }
  for (const Value& v : values.items()) {
    parts[i] = v.is_string() ? v.as_string() : rego_text(v);
    print_combinations(operands, i + 1, parts, out);
  }
}

std::optional<Value> internal_print(Args args, BuiltinContext& ctx) {
  const std::vector<Value>& operands = array_operand(args, 1).items();
  std::vector<std::string> parts(operands.size()), lines;
  print_combinations(operands, 0, parts, lines);
  if (ctx.trace_notes) ctx.trace_notes->insert(ctx.trace_notes->end(), lines.begin(), lines.end());
  return Value::boolean(true);
}

// Tollgate exposes no environment or configuration to policies: the empty
// object, as OPA gives when it runs without runtime information.
std::optional<Value> opa_runtime(Args, BuiltinContext&) { return Value::empty_object(); }

// A random (version 4) UUID, the same for the same key within a query.
std::optional<Value> uuid_rfc4122(Args args, BuiltinContext& ctx) {
  std::string cache_key = "uuid.rfc4122/" + rego_text(args[0]);
  if (ctx.nondeterministic_cache) {
    auto it = ctx.nondeterministic_cache->find(cache_key);
    if (it != ctx.nondeterministic_cache->end()) return it->second;
  }
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) throw_builtin_error("uuid.rfc4122: no random bytes");
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  std::string hex = to_hex(b.data(), b.size());
  Value id = Value::string(hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                           hex.substr(16, 4) + "-" + hex.substr(20));
  if (ctx.nondeterministic_cache) ctx.nondeterministic_cache->emplace(std::move(cache_key), id);
  return id;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// google/uuid's Parse: 36 characters with dashes, optionally in braces or
// after "urn:uuid:", or 32 hex digits.
std::optional<std::array<unsigned char, 16>> parse_uuid(std::string_view s) {
  std::array<unsigned char, 16> out{};
  auto read_byte = [&](size_t at, size_t i) {
    int hi = hex_digit(s[at]), lo = hex_digit(s[at + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
    return true;
  };
  switch (s.size()) {
    case 32:
      for (size_t i = 0; i < 16; ++i) {
        if (!read_byte(i * 2, i)) return std::nullopt;
      }
      return out;
    case 36: break;
    case 36 + 9: {
      std::string prefix(s.substr(0, 9));
      for (char& c : prefix) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (prefix != "urn:uuid:") return std::nullopt;
      s.remove_prefix(9);
      break;
    }
    case 36 + 2: s.remove_prefix(1); break;
    default: return std::nullopt;
  }
  if (s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return std::nullopt;
  static const size_t positions[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
  for (size_t i = 0; i < 16; ++i) {
    if (!read_byte(positions[i], i)) return std::nullopt;
  }
  return out;
}

const char* variant_name(unsigned char b8) {
  if ((b8 & 0xC0) == 0x80) return "RFC4122";
  if ((b8 & 0xE0) == 0xC0) return "Microsoft";
  if ((b8 & 0xE0) == 0xE0) return "Future";
  return "Reserved";
}

const char* mac_variables(unsigned char first) {
  if ((first & 0b11) == 0b11) return "local:multicast";
  if ((first & 0b01) == 0b01) return "global:multicast";
  if ((first & 0b10) == 0b10) return "local:unicast";
  return "global:unicast";
}

// uuid.parse: version and variant, plus the time, node and clock sequence of
// versions 1 and 2 (and the id and domain of version 2); undefined when the
// text is not a UUID.
std::optional<Value> uuid_parse(Args args, BuiltinContext&) {
  std::optional<std::array<unsigned char, 16>> parsed = parse_uuid(string_operand(args, 1));
  if (!parsed) return std::nullopt;
  const auto& u = *parsed;
  const int version = u[6] >> 4;
  value::ObjectBuilder out;
  out.add("version", Value::integer(version));
  out.add("variant", Value::string(variant_name(u[8])));
  if (version == 1 || version == 2) {
    auto big_endian = [&](size_t from, size_t n) {
      uint64_t v = 0;
      for (size_t i = from; i < from + n; ++i) v = (v << 8) | u[i];
      return v;
    };
    int64_t ticks = static_cast<int64_t>(big_endian(0, 4));
    ticks |= static_cast<int64_t>(big_endian(4, 2)) << 32;
    ticks |= static_cast<int64_t>(big_endian(6, 2) & 0xFFF) << 48;
    // 100 ns intervals since 1582-10-15 (the Gregorian reform).
    constexpr int64_t kGregorianToUnix = 122192928000000000;
    int64_t since_unix = ticks - kGregorianToUnix;
    out.add("time", Value::integer((since_unix / 10000000) * 1000000000 + (since_unix % 10000000) * 100));
    std::string node;
    for (size_t i = 10; i < 16; ++i) node += (i > 10 ? "-" : "") + to_hex(&u[i], 1);
    out.add("nodeid", Value::string(node));
    out.add("macvariables", Value::string(mac_variables(u[10])));
    out.add("clocksequence", Value::integer(static_cast<int64_t>(big_endian(8, 2) & 0x3FFF)));
    if (version == 2) {
      out.add("id", Value::integer(static_cast<int64_t>(big_endian(0, 4))));
      static const char* const domains[] = {"Person", "Group", "Org"};
      out.add("domain", Value::string(u[9] < 3 ? std::string(domains[u[9]]) : "Domain" + std::to_string(u[9])));
    }
  }
  return out.build();
}

// test.sleep(duration): pauses the evaluation (OPA's test helper), at most
// a second so that a policy cannot stall the webhook.
std::optional<Value> test_sleep(Args args, BuiltinContext&) {
  int64_t nanos = 0;
  std::string error;
  if (!parse_duration(string_operand(args, 1), &nanos, &error)) throw_builtin_error(error);
  std::this_thread::sleep_for(std::chrono::nanoseconds(std::clamp<int64_t>(nanos, 0, 1'000'000'000)));
  return Value::null();
}

template <const EVP_MD* (*Digest)()>
std::optional<Value> digest(Args args, BuiltinContext&) {
  const std::string& data = string_operand(args, 1);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), out, &n, Digest(), nullptr) != 1) throw_builtin_error("digest failed");
  return Value::string(to_hex(out, n));
}

template <const EVP_MD* (*Digest)()>
std::optional<Value> hmac(Args args, BuiltinContext&) {
  const std::string& message = string_operand(args, 1);
  const std::string& key = string_operand(args, 2);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!HMAC(Digest(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
            message.size(), out, &n)) {
    throw_builtin_error("hmac failed");
  }
  return Value::string(to_hex(out, n));
}

// Constant-time comparison of two MACs.
std::optional<Value> hmac_equal(Args args, BuiltinContext&) {
  const std::string& a = string_operand(args, 1);
  const std::string& b = string_operand(args, 2);
  return Value::boolean(a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace

void register_misc_builtins(BuiltinRegistry& r) {
  r.add({.name = "trace", .arity = 1, .function = trace});
  r.add({.name = "internal.print", .arity = 1, .function = internal_print});
  r.add({.name = "opa.runtime", .arity = 0, .function = opa_runtime, .nondeterministic = true});
  r.add({.name = "uuid.rfc4122", .arity = 1, .function = uuid_rfc4122, .nondeterministic = true});
  r.add({.name = "uuid.parse", .arity = 1, .function = uuid_parse});
  r.add({.name = "test.sleep", .arity = 1, .function = test_sleep});
  r.add({.name = "crypto.md5", .arity = 1, .function = digest<EVP_md5>});
  r.add({.name = "crypto.sha1", .arity = 1, .function = digest<EVP_sha1>});
  r.add({.name = "crypto.sha256", .arity = 1, .function = digest<EVP_sha256>});
  r.add({.name = "crypto.hmac.md5", .arity = 2, .function = hmac<EVP_md5>});
  r.add({.name = "crypto.hmac.sha1", .arity = 2, .function = hmac<EVP_sha1>});
  r.add({.name = "crypto.hmac.sha256", .arity = 2, .function = hmac<EVP_sha256>});
  r.add({.name = "crypto.hmac.sha512", .arity = 2, .function = hmac<EVP_sha512>});
  r.add({.name = "crypto.hmac.equal", .arity = 2, .function = hmac_equal});
}

}  // namespace tollgate::rego
