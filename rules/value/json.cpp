#include "rules/value/json.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "rules/value/base64.h"
#include "rules/value/key_prefix.h"
#include "rules/value/number_format.h"
#include "rules/value/utf8.h"

namespace tollgate::value {

namespace {

// ---- parsing: simdjson DOM (the fast path) ----

std::string uint_text(uint64_t u) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, u);
  return std::string(buf, static_cast<size_t>(r.ptr - buf));
}

using detail::KeyPrefix;

// Object keys repeat across requests ("apiVersion", "metadata", "name"...),
// and so do most short string values ("v1", "Pod", "CREATE", image names):
// each thread keeps the short strings it has seen, so that a repeated one
// costs a refcount increment instead of building a node (an allocation and
// a copy, and later a free). One-off strings (uids) merely replace a slot.
class StringCache {
 public:
  Value get(KeyPrefix prefix, std::string_view text) {
    if (text.size() > kMaxSize) return Value::string(text);
    Slot& slot = slots_[detail::key_hash(prefix, text) & (kSlots - 1)];
    // The slot keeps the string's view and prefix beside the Value so that
    // a hit is decided without touching the string node.
    if (detail::key_equal(slot.prefix, slot.text, prefix, text)) return slot.value;
    return replace(slot, prefix, text);
  }

 private:
  static constexpr size_t kMaxSize = 64;
  static constexpr size_t kSlots = 2048;

  struct Slot {
    Value value;
    std::string_view text;    // into value's node, which the slot keeps alive
    KeyPrefix prefix{~0ULL};  // with the empty text: matches no string
  };

  // Direct-mapped: a miss simply takes the slot. Kept out of line so the
  // hit path inlines into the converter.
  [[gnu::noinline]] static Value replace(Slot& slot, KeyPrefix prefix, std::string_view text) {
    slot.value = Value::string(text);
    slot.text = slot.value.as_string();
    slot.prefix = prefix;
    return slot.value;
  }

  std::vector<Slot> slots_ = std::vector<Slot>(kSlots);
};

// Builds Values from a simdjson DOM. Object fields are ordered by key here,
// on views into simdjson's string buffer, so the finished entries go to
// Value::object_sorted and the value model never compares Value keys.
class DomConverter {
 public:
  explicit DomConverter(StringCache& strings) : strings_(strings) {
    fields_.clear();  // in case a previous conversion ended in an exception
  }

  // Scalars inline; containers out of line, which keeps this small enough
  // to inline into the container loops.
  Value convert(simdjson::dom::element e) {
    using simdjson::dom::element_type;
    switch (e.type()) {
      case element_type::STRING: return string(e.get_string().value_unsafe());
      case element_type::OBJECT: return object(e.get_object().value_unsafe());
      case element_type::ARRAY: return array(e.get_array().value_unsafe());
      case element_type::INT64: return Value::integer(e.get_int64().value_unsafe());
      case element_type::UINT64: return Value::bignum(uint_text(e.get_uint64().value_unsafe()));
      case element_type::DOUBLE: return Value::number(e.get_double().value_unsafe());
      case element_type::BOOL: return Value::boolean(e.get_bool().value_unsafe());
      case element_type::NULL_VALUE: return Value();
    }
    return Value();
  }

 private:
  struct Field {
    KeyPrefix prefix;
    std::string_view key;
    simdjson::dom::element value;
    uint32_t place;  // its place among the object's fields, as given
  };
  static bool less(const Field& a, const Field& b) { return detail::key_less(a.prefix, a.key, b.prefix, b.key); }
  static bool same_key(const Field& a, const Field& b) { return detail::key_equal(a.prefix, a.key, b.prefix, b.key); }

  Value string(std::string_view text) { return strings_.get(KeyPrefix::of(text), text); }

  [[gnu::noinline]] Value array(simdjson::dom::array a) {
    if (a.begin() == a.end()) return Value::empty_array();  // shared: no node to build or free
    std::vector<Value> items;
    items.reserve(a.size());
    for (simdjson::dom::element item : a) items.push_back(convert(item));
    return Value::array(std::move(items));
  }

  [[gnu::noinline]] Value object(simdjson::dom::object o) {
    if (o.begin() == o.end()) return Value::empty_object();  // ("spec": {}, "status": {})
    // Nested objects push their fields above this one's on the same scratch
    // stack, which keeps its capacity across documents: no allocation here.
    const size_t base = fields_.size();
    bool sorted = true;
    for (simdjson::dom::key_value_pair kv : o) {
      Field f{KeyPrefix::of(kv.key), kv.key, kv.value, static_cast<uint32_t>(fields_.size() - base)};
      if (sorted && fields_.size() > base && !less(fields_.back(), f)) sorted = false;
      fields_.push_back(f);
    }
    const size_t end = fields_.size();
    if (!sorted) sort_fields(base);

    std::vector<Value::Entry> entries;
    entries.reserve(end - base);
    // The order the keys were given in (Value::object_keeping_order), for
    // the small objects that keep it: sorted_index_of[place].
    const bool keep_order = !sorted && end - base <= 16;
    uint8_t sorted_index_of[16];
    if (keep_order) std::fill(std::begin(sorted_index_of), std::end(sorted_index_of), uint8_t{0xFF});
    size_t run_start = base;
    for (size_t i = base; i < end; ++i) {
      // Sorting is stable, so of a duplicated key the last one (which wins,
      // as in Go's decoder) is the last of its run, and the first one holds
      // its place.
      if (!sorted && i + 1 < end && same_key(fields_[i], fields_[i + 1])) continue;
      Field f = fields_[i];  // a copy: converting f.value may grow fields_
      if (keep_order) sorted_index_of[fields_[run_start].place] = static_cast<uint8_t>(entries.size());
      run_start = i + 1;
      entries.emplace_back(strings_.get(f.prefix, f.key), convert(f.value));
    }
    fields_.resize(base);
    if (!keep_order) return Value::object_sorted(std::move(entries));
    uint8_t given[16];
    size_t k = 0;
    for (uint8_t index : sorted_index_of) {
      if (index != 0xFF) given[k++] = index;
    }
    return Value::object_sorted_in_given_order(std::move(entries), given);
  }

  void sort_fields(size_t base) {
    auto first = fields_.begin() + static_cast<std::ptrdiff_t>(base);
    if (fields_.end() - first > 16) {
      std::stable_sort(first, fields_.end(), less);
      return;
    }
    // Insertion sort: stable and allocation-free for the usual small object.
    for (auto i = first + 1; i < fields_.end(); ++i) {
      Field moving = *i;
      auto j = i;
      for (; j > first && less(moving, *(j - 1)); --j) *j = *(j - 1);
      *j = moving;
    }
  }

  static std::vector<Field>& scratch_fields() {
    thread_local std::vector<Field> fields;
    return fields;
  }

  StringCache& strings_;
  std::vector<Field>& fields_ = scratch_fields();
};

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
  explicit SaxBuilder(bool keep_number_text = false) : keep_number_text_(keep_number_text) {}

  bool number_float(number_float_t d, const string_t& raw) override {
    bool integral_text = raw.find_first_of(".eE") == std::string::npos;
    if (integral_text) return add(Value::bignum(raw));
    if (keep_number_text_ && (!std::isfinite(d) || format_double_g(d) != raw)) return add(Value::number_with_text(raw, Value::number(d)));
    return add(Value::number(d));
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
    return add(Value::object_keeping_order(std::move(f.entries)));
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
  bool keep_number_text_ = false;
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
  thread_local StringCache strings;
  // realloc_if_needed copies the text into the parser's reused padded buffer.
  simdjson::dom::element root;
  simdjson::error_code code = parser.parse(text.data(), text.size(), true).get(root);
  if (code == simdjson::SUCCESS) {
    *out = DomConverter(strings).convert(root);
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

bool parse_json_keeping_number_text(std::string_view text, Value* out, JsonError* error) {
  SaxBuilder builder(/*keep_number_text=*/true);
  if (nlohmann::json::sax_parse(text.begin(), text.end(), &builder)) {
    *out = std::move(builder.result);
    return true;
  }
  return parse_json(text, out, error);  // for parse_json's error message and offset
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
  // Most outputs (patches, messages, small objects) fit here without the
  // string regrowing several times from its 15-byte inline buffer.
  out.reserve(256);
  append_json(v, out);
  return out;
}

void append_json(const Value& v, std::string& out) { append_value(v, out, 0, 0); }

std::string to_json_pretty(const Value& v) {
  std::string out;
  out.reserve(256);
  append_value(v, out, 2, 0);
  return out;
}

void append_json_string(std::string_view s, std::string& out) {
  out.push_back('"');
  size_t run = 0;  // start of the pending run of bytes that need no escape
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // Bytes that are not UTF-8 (a YAML file, base64.decode's output) print
      // as U+FFFD, one per byte, as Go's encoder writes them: the text stays
      // JSON that any reader (the API server, simdjson) accepts.
      size_t len = utf8_sequence_length(s, i);
      if (len != 0) {
        i += len - 1;
        continue;
      }
      out.append(s.data() + run, i - run);
      run = i + 1;
      out += "\\ufffd";
      continue;
    }
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
