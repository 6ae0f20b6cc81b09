#include "rules/value/json.h"

#include <simdjson.h>

#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "rules/value/base64.h"
#include "rules/value/number_format.h"

namespace tollgate::value {

namespace {

// ---- parsing: simdjson DOM (the fast path) ----

std::string uint_text(uint64_t u) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, u);
  return std::string(buf, static_cast<size_t>(r.ptr - buf));
}

// Object keys repeat across requests ("apiVersion", "metadata", "name"...):
// each thread keeps the key strings it has seen, so that a repeated key
// costs a refcount increment instead of an allocation (and, later, a free).
class KeyCache {
 public:
  Value get(std::string_view key) {
    if (key.size() > kMaxKeySize) return Value::string(key);
    Value& slot = slots_[slot_of(key)];
    if (slot.is_string() && slot.as_string() == key) return slot;
    slot = Value::string(key);  // direct-mapped: a collision simply replaces
    return slot;
  }

 private:
  static constexpr size_t kMaxKeySize = 64;
  static constexpr size_t kSlots = 2048;

  static size_t slot_of(std::string_view key) {
    uint32_t h = 2166136261u;  // FNV-1a
    for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h & (kSlots - 1);
  }

  std::vector<Value> slots_ = std::vector<Value>(kSlots);
};

Value from_element(simdjson::dom::element e, KeyCache& keys) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::ARRAY: {
      simdjson::dom::array a = e.get_array().value_unsafe();
      std::vector<Value> items;
      items.reserve(a.size());
      for (simdjson::dom::element item : a) items.push_back(from_element(item, keys));
      return Value::array(std::move(items));
    }
    case element_type::OBJECT: {
      simdjson::dom::object o = e.get_object().value_unsafe();
      std::vector<Value::Entry> entries;
      entries.reserve(o.size());
      for (simdjson::dom::key_value_pair kv : o) entries.emplace_back(keys.get(kv.key), from_element(kv.value, keys));
      return Value::object(std::move(entries));
    }
    case element_type::INT64: return Value::integer(e.get_int64().value_unsafe());
    case element_type::UINT64: return Value::bignum(uint_text(e.get_uint64().value_unsafe()));
    case element_type::DOUBLE: return Value::number(e.get_double().value_unsafe());
    case element_type::STRING: return Value::string(e.get_string().value_unsafe());
    case element_type::BOOL: return Value::boolean(e.get_bool().value_unsafe());
    case element_type::NULL_VALUE: return Value();
  }
  return Value();
}

// ---- parsing: nlohmann SAX (the slow path) ----
//
// simdjson 3.0's DOM rejects integers beyond uint64 outright; those
// documents are parsed again here, keeping such integers as BigNum text.
// (Non-integers beyond the double range stay errors, as in Go's decoder.) The same pass finds the byte offset of a
// syntax error, which simdjson's DOM does not report.

constexpr size_t kMaxDepth = 1024;  // simdjson's default

class SaxBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  Value result;
  size_t error_offset = 0;
  std::string error_message;

  bool null() override { return add(Value()); }
  bool boolean(bool b) override { return add(Value::boolean(b)); }
  bool number_integer(number_integer_t i) override { return add(Value::integer(i)); }
  bool number_unsigned(number_unsigned_t u) override {
    if (u <= static_cast<uint64_t>(INT64_MAX)) return add(Value::integer(static_cast<int64_t>(u)));
    return add(Value::bignum(uint_text(u)));
  }
  bool number_float(number_float_t d, const string_t& raw) override {
    bool integral_text = raw.find_first_of(".eE") == std::string::npos;
    return add(integral_text ? Value::bignum(raw) : Value::number(d));
  }
  bool string(string_t& s) override { return add(Value::string(std::move(s))); }
  bool binary(binary_t& b) override { return add(Value::bytes(std::string(b.begin(), b.end()))); }
  bool start_object(std::size_t) override { return open(true); }
  bool key(string_t& k) override {
    stack_.back().key = Value::string(std::move(k));
    return true;
  }
  bool end_object() override {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    return add(Value::object(std::move(f.entries)));
  }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    return add(Value::array(std::move(f.items)));
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    // nlohmann counts the offending character itself; report where it starts.
    error_offset = position > 0 ? position - 1 : 0;
    error_message = ex.what();
    return false;
  }

 private:
  struct Frame {
    bool is_object;
    Value key;
    std::vector<Value> items;
    std::vector<Value::Entry> entries;
  };

  bool open(bool is_object) {
    if (stack_.size() >= kMaxDepth) {
      error_message = "document too deep";
      return false;
    }
    stack_.push_back(Frame{is_object, Value(), {}, {}});
    return true;
  }
  bool add(Value v) {
    if (stack_.empty()) result = std::move(v);
    else if (stack_.back().is_object) stack_.back().entries.emplace_back(std::move(stack_.back().key), std::move(v));
    else stack_.back().items.push_back(std::move(v));
    return true;
  }

  std::vector<Frame> stack_;
};

bool is_number_error(simdjson::error_code code) {
  return code == simdjson::NUMBER_ERROR || code == simdjson::NUMBER_OUT_OF_RANGE;
}

// ---- writing ----

const char kHex[] = "0123456789abcdef";

void append_key(const Value& key, std::string& out) {
  if (key.is_string()) {
    append_json_string(key.as_string(), out);
    return;
  }
  // Non-string keys (CEL maps) become their JSON text as a string, as Go
  // encodes map[int]... keys.
  std::string text;
  append_json(key, text);
  append_json_string(text, out);
}

void append_value(const Value& v, std::string& out, int indent, int depth);

void newline(std::string& out, int indent, int depth) {
  out.push_back('\n');
  out.append(static_cast<size_t>(indent * depth), ' ');
}

void append_value(const Value& v, std::string& out, int indent, int depth) {
  switch (v.kind()) {
    case Kind::Null: out += "null"; return;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
    case Kind::Int: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_int());
      out.append(buf, r.ptr);
      return;
    }
    case Kind::Uint: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.as_uint());
      out.append(buf, r.ptr);
      return;
    }
    case Kind::Double: append_json_double(v.as_double(), out); return;
    case Kind::BigNum: out += v.as_string(); return;
    case Kind::String: append_json_string(v.as_string(), out); return;
    case Kind::Bytes: append_json_string(base64_encode(v.as_string()), out); return;
    case Kind::Opaque: append_json_string(v.as_opaque().debug_string(), out); return;
    case Kind::Array:
    case Kind::Set: {
      const auto& items = v.items();
      out.push_back('[');
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out.push_back(',');
        if (indent) newline(out, indent, depth + 1);
        append_value(items[i], out, indent, depth + 1);
      }
      if (indent && !items.empty()) newline(out, indent, depth);
      out.push_back(']');
      return;
    }
    case Kind::Object: {
      const auto& entries = v.entries();
      out.push_back('{');
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i) out.push_back(',');
        if (indent) newline(out, indent, depth + 1);
        append_key(entries[i].first, out);
        out.push_back(':');
        if (indent) out.push_back(' ');
        append_value(entries[i].second, out, indent, depth + 1);
      }
      if (indent && !entries.empty()) newline(out, indent, depth);
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

bool parse_json(std::string_view text, Value* out, JsonError* error) {
  thread_local simdjson::dom::parser parser;
  thread_local KeyCache keys;
  // realloc_if_needed copies the text into the parser's reused padded buffer.
  simdjson::dom::element root;
  simdjson::error_code code = parser.parse(text.data(), text.size(), true).get(root);
  if (code == simdjson::SUCCESS) {
    *out = from_element(root, keys);
    return true;
  }
  SaxBuilder builder;
  bool ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder);
  if (ok && is_number_error(code)) {
    *out = std::move(builder.result);
    return true;
  }
  if (error) {
    error->message = simdjson::error_message(code);
    error->offset = ok ? 0 : builder.error_offset;
  }
  return false;
}

Value parse_json_or_throw(std::string_view text) {
  Value v;
  JsonError err;
  if (!parse_json(text, &v, &err))
    throw std::runtime_error("invalid JSON at offset " + std::to_string(err.offset) + ": " + err.message);
  return v;
}

std::string to_json(const Value& v) {
  std::string out;
  append_json(v, out);
  return out;
}

void append_json(const Value& v, std::string& out) { append_value(v, out, 0, 0); }

std::string to_json_pretty(const Value& v) {
  std::string out;
  append_value(v, out, 2, 0);
  return out;
}

void append_json_string(std::string_view s, std::string& out) {
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

Value from_nlohmann(const nlohmann::json& j) {
  using nlohmann::json;
  switch (j.type()) {
    case json::value_t::null:
    case json::value_t::discarded: return Value();
    case json::value_t::boolean: return Value::boolean(j.get<bool>());
    case json::value_t::number_integer: return Value::integer(j.get<int64_t>());
    case json::value_t::number_unsigned: {
      auto u = j.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Value::integer(static_cast<int64_t>(u));
      return Value::bignum(uint_text(u));
    }
    case json::value_t::number_float: return Value::number(j.get<double>());
    case json::value_t::string: return Value::string(j.get_ref<const std::string&>());
    case json::value_t::binary: {
      const auto& b = j.get_binary();
      return Value::bytes(std::string(b.begin(), b.end()));
    }
    case json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& item : j) items.push_back(from_nlohmann(item));
      return Value::array(std::move(items));
    }
    case json::value_t::object: {
      std::vector<Value::Entry> entries;
      entries.reserve(j.size());
      for (auto it = j.begin(); it != j.end(); ++it) entries.emplace_back(Value::string(it.key()), from_nlohmann(it.value()));
      return Value::object(std::move(entries));
    }
  }
  return Value();
}

nlohmann::json to_nlohmann(const Value& v) {
  using nlohmann::json;
  switch (v.kind()) {
    case Kind::Null: return nullptr;
    case Kind::Bool: return v.as_bool();
    case Kind::Int: return v.as_int();
    case Kind::Uint: return v.as_uint();
    case Kind::Double: return v.as_double();
    case Kind::BigNum: {
      // nlohmann has no arbitrary precision: integers that fit 64 bits stay
      // exact, anything else becomes the nearest double.
      json parsed = json::parse(v.as_string(), nullptr, false);
      if (parsed.is_number_integer()) return parsed;
      return v.to_double();
    }
    case Kind::String: return v.as_string();
    case Kind::Bytes: return base64_encode(v.as_string());
    case Kind::Opaque: return v.as_opaque().debug_string();
    case Kind::Array:
    case Kind::Set: {
      json out = json::array();
      for (const Value& item : v.items()) out.push_back(to_nlohmann(item));
      return out;
    }
    case Kind::Object: {
      json out = json::object();
      for (const auto& [k, val] : v.entries()) {
        std::string key;
        if (k.is_string()) key = k.as_string();
        else append_json(k, key);
        out[key] = to_nlohmann(val);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace tollgate::value
