// The immutable value model shared by CEL and Rego.
//
// A Value is 16 bytes: a kind tag plus either an inline scalar (bool, int64,
// uint64, double) or a pointer to an immutable, reference-counted heap node
// (strings, bytes, big numbers, arrays, objects, sets, opaque extension
// values). Copying a Value is a refcount increment; values are never mutated
// after construction, so they can be shared freely between threads (policy
// parameters) and between the two rule languages.
//
// Objects keep their entries sorted by key (the total order below), so a
// string-keyed lookup is a binary search that needs no allocation, iteration
// order is deterministic (what Rego and Go's JSON encoder produce), and two
// equal objects have equal entry sequences.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tollgate::value {

// Order of kinds is the cross-type order Rego uses: null < bool < number <
// string < array < object < set. Bytes and opaque (CEL-only) values sort last.
enum class Kind : uint8_t {
  Null,
  Bool,
  Int,     // int64
  Uint,    // uint64 (CEL uint)
  Double,  // IEEE double
  BigNum,  // arbitrary-precision decimal kept as text: canonical, or as written (Rego)
  String,
  Array,
  Object,
  Set,
  Bytes,
  Opaque,
};

const char* kind_name(Kind k);

class Value;

namespace detail {
struct Node {
  mutable std::atomic<uint32_t> refs{1};
  virtual ~Node() = default;
};
}  // namespace detail

// Extension point for language-specific values (CEL durations, timestamps,
// types, optionals, Kubernetes quantities...). Implementations are immutable.
class OpaqueValue : public detail::Node {
 public:
  // A stable type name, e.g. "google.protobuf.Duration"; values of different
  // type names are ordered by name.
  virtual std::string_view type_name() const = 0;
  // Equality between two opaque values of the same type_name().
  virtual bool equals(const OpaqueValue& other) const = 0;
  // Ordering between two opaque values of the same type_name(); -1, 0, 1.
  virtual int compare(const OpaqueValue& other) const;
  // Hash of the value, mixed with the type name by hash(); values for which
  // equals() holds must return the same code. The default (0) is correct
  // but makes every value of a type collide.
  virtual size_t hash_code() const;
  // Human-readable form (used in error messages and debug output).
  virtual std::string debug_string() const = 0;
};

class Value {
 public:
  using Entry = std::pair<Value, Value>;

  Value() noexcept : kind_(Kind::Null) { u_.i = 0; }
  Value(std::nullptr_t) noexcept : Value() {}
  Value(const Value& o) noexcept : kind_(o.kind_), u_(o.u_) { retain(); }
  Value(Value&& o) noexcept : kind_(o.kind_), u_(o.u_) { o.kind_ = Kind::Null; o.u_.i = 0; }
  Value& operator=(const Value& o) noexcept {
    if (this != &o) { o.retain(); release(); kind_ = o.kind_; u_ = o.u_; }
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) { release(); kind_ = o.kind_; u_ = o.u_; o.kind_ = Kind::Null; o.u_.i = 0; }
    return *this;
  }
  ~Value() { release(); }

  // ---- construction ----
  static Value null() { return Value(); }
  static Value boolean(bool b) { Value v; v.kind_ = Kind::Bool; v.u_.b = b; return v; }
  static Value integer(int64_t i) { Value v; v.kind_ = Kind::Int; v.u_.i = i; return v; }
  static Value uinteger(uint64_t u) { Value v; v.kind_ = Kind::Uint; v.u_.u = u; return v; }
  static Value number(double d) { Value v; v.kind_ = Kind::Double; v.u_.d = d; return v; }
  // Canonical decimal text, e.g. "1000000000000000000000" or "-1.5e300".
  static Value bignum(std::string text);
  // A number kept as written ("1.0", "2.50", "1e2": Rego literals, JSON read
  // with its number text, as OPA's json.Number does): a BigNum whose
  // as_string() is `text` verbatim and that compares and hashes exactly as
  // `value` (the number the text was read as: Int 1, Double 1e-7, ...; a
  // non-number or non-finite double means the text's own exact value). Only
  // for text that differs from the number's usual print, so plain integers
  // never allocate.
  static Value number_with_text(std::string text, const Value& value = Value());
  static Value string(std::string s);
  static Value string(std::string_view s) { return string(std::string(s)); }
  static Value string(const char* s) { return string(std::string(s)); }
  static Value bytes(std::string b);
  static Value array(std::vector<Value> items);
  // Entries in any order; sorted here; for duplicate keys the last one wins.
  static Value object(std::vector<Entry> entries);
  // Entries already sorted by key with no duplicates (checked in debug builds).
  static Value object_sorted(std::vector<Entry> entries);
  // Like object(), and the object also remembers the order its keys were
  // given in (first place of a repeated key), for objects of up to 16 keys:
  // documents read from JSON or YAML and CEL map literals, which cel-go walks
  // from the Go map's insertion order. Equality, hashing and entries() are
  // those of the sorted object.
  static Value object_keeping_order(std::vector<Entry> entries);
  // Entries sorted as for object_sorted; given[k] is the index into entries
  // of the k-th key given (entries.size() of them; nullptr: sorted order).
  static Value object_sorted_in_given_order(std::vector<Entry> entries, const uint8_t* given);
  // Items in insertion order; sorted and de-duplicated here as OPA inserts
  // set members: the first of equal values is kept, and a number written as
  // an integer (2) is a member beside an equal one that is not (2.0): {2.0, 2}
  // has two members, {2, 2.0} one (see written_as_integer). Equal members are
  // adjacent, in insertion order.
  static Value set(std::vector<Value> items);
  static Value opaque(std::shared_ptr<const OpaqueValue>) = delete;  // use make_opaque
  template <class T, class... Args>
  static Value make_opaque(Args&&... args) {
    Value v;
    v.kind_ = Kind::Opaque;
    v.u_.node = new T(std::forward<Args>(args)...);
    return v;
  }

  static const Value& empty_array();
  static const Value& empty_object();

  // ---- inspection ----
  Kind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == Kind::Null; }
  bool is_bool() const noexcept { return kind_ == Kind::Bool; }
  bool is_int() const noexcept { return kind_ == Kind::Int; }
  bool is_uint() const noexcept { return kind_ == Kind::Uint; }
  bool is_double() const noexcept { return kind_ == Kind::Double; }
  bool is_bignum() const noexcept { return kind_ == Kind::BigNum; }
  bool is_number() const noexcept {
    return kind_ == Kind::Int || kind_ == Kind::Uint || kind_ == Kind::Double || kind_ == Kind::BigNum;
  }
  bool is_string() const noexcept { return kind_ == Kind::String; }
  bool is_bytes() const noexcept { return kind_ == Kind::Bytes; }
  bool is_array() const noexcept { return kind_ == Kind::Array; }
  bool is_object() const noexcept { return kind_ == Kind::Object; }
  bool is_set() const noexcept { return kind_ == Kind::Set; }
  bool is_opaque() const noexcept { return kind_ == Kind::Opaque; }

  bool as_bool() const noexcept { return u_.b; }
  int64_t as_int() const noexcept { return u_.i; }
  uint64_t as_uint() const noexcept { return u_.u; }
  double as_double() const noexcept { return u_.d; }
  // Any numeric kind converted to double (BigNum parsed).
  double to_double() const;
  // String, Bytes and BigNum text.
  const std::string& as_string() const;
  // Array and Set items.
  const std::vector<Value>& items() const;
  // Object entries, sorted by key.
  const std::vector<Entry>& entries() const;
  // The index into entries() of the object's k-th key in the order it was
  // given (object_keeping_order); k itself when no order was kept.
  size_t given_order_index(size_t k) const;
  const OpaqueValue& as_opaque() const { return *static_cast<const OpaqueValue*>(u_.node); }
  template <class T>
  const T* opaque_as() const {
    return kind_ == Kind::Opaque ? dynamic_cast<const T*>(static_cast<const OpaqueValue*>(u_.node)) : nullptr;
  }

  // Number of items (array, set), entries (object) or bytes (string, bytes).
  size_t size() const;

  // Object lookup by string key without allocating; nullptr if absent or
  // if this is not an object.
  const Value* find(std::string_view key) const;
  // Object lookup by any key.
  const Value* find(const Value& key) const;
  // Convenience: find(key) or a static null.
  const Value& operator[](std::string_view key) const;
  // Array index (nullptr when out of range or not an array).
  const Value* at(size_t i) const;
  // Set membership.
  bool contains(const Value& item) const;
  // Follows a path of object keys; nullptr when a step is missing.
  const Value* path(std::initializer_list<std::string_view> keys) const;

  // String-ish helpers for the common "field is a string" cases.
  std::string_view string_or(std::string_view fallback) const {
    return kind_ == Kind::String ? std::string_view(as_string()) : fallback;
  }

  // Identity of the heap node (for source maps and caches); nullptr for scalars.
  const void* identity() const noexcept { return kind_ >= Kind::BigNum ? u_.node : nullptr; }

 private:
  void retain() const noexcept {
    if (kind_ >= Kind::BigNum) u_.node->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept {
    if (kind_ >= Kind::BigNum && u_.node->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete u_.node;
  }

  Kind kind_;
  union U {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    detail::Node* node;
  } u_;
};

// Total order: kinds by the Kind enum, except that all numeric kinds compare
// with each other by numeric value (1 == 1.0 == 1u). NaN sorts before every
// other number and equals itself here (language-level NaN rules are the
// evaluators' business). Returns -1, 0 or 1.
int compare(const Value& a, const Value& b);
inline bool operator==(const Value& a, const Value& b) { return compare(a, b) == 0; }
inline bool operator!=(const Value& a, const Value& b) { return compare(a, b) != 0; }
inline bool operator<(const Value& a, const Value& b) { return compare(a, b) < 0; }
inline bool operator>(const Value& a, const Value& b) { return compare(a, b) > 0; }
inline bool operator<=(const Value& a, const Value& b) { return compare(a, b) <= 0; }
inline bool operator>=(const Value& a, const Value& b) { return compare(a, b) >= 0; }

// Whether OPA reads a number as an integer (json.Number.Int64 succeeds: text
// without '.', 'e' or 'E'); 1.0 and 1e2 are not, 1 is. Int and Uint always
// are; a Double when it is integral and within int64 (as Go's FormatFloat
// prints a float64 input value). False for non-numbers.
bool written_as_integer(const Value& v);

// Hash consistent with compare(): equal values hash equally.
size_t hash(const Value& v);
struct ValueHash { size_t operator()(const Value& v) const { return hash(v); } };

// Incremental object construction (keeps the last value of a duplicate key).
class ObjectBuilder {
 public:
  ObjectBuilder& add(Value key, Value value) { entries_.emplace_back(std::move(key), std::move(value)); return *this; }
  ObjectBuilder& add(std::string_view key, Value value) { return add(Value::string(key), std::move(value)); }
  void reserve(size_t n) { entries_.reserve(n); }
  Value build() { return Value::object(std::move(entries_)); }

 private:
  std::vector<Value::Entry> entries_;
};

// Returns a copy of `obj` with `key` set to `val` (obj may be null: a new object).
Value with_entry(const Value& obj, const Value& key, Value val);
Value with_entry(const Value& obj, std::string_view key, Value val);
// Returns a copy of `obj` without `key`.
Value without_entry(const Value& obj, std::string_view key);

}  // namespace tollgate::value
