#include "rules/value/value.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>

#include "rules/value/decimal.h"
#include "rules/value/eval_budget.h"
#include "rules/value/node_pool.h"

namespace tollgate::value {

namespace {

struct StringNode : detail::PooledNode {
  explicit StringNode(std::string s) : text(std::move(s)) { charge_memory(sizeof(StringNode) + text.capacity()); }
  std::string text;
};

// A big number keeps its parsed decimal so that comparisons and hashing do
// not re-parse the text every time.
struct BigNumNode : StringNode {
  BigNumNode(std::string canonical, Decimal d, double nearest, size_t h)
      : StringNode(std::move(canonical)), decimal(std::move(d)), nearest(nearest), hash(h) {}
  Decimal decimal;
  double nearest;  // correctly rounded double
  size_t hash;
};

struct ArrayNode : detail::PooledNode {
  explicit ArrayNode(std::vector<Value> v) : items(std::move(v)) {
    charge_memory(sizeof(ArrayNode) + items.capacity() * sizeof(Value));
  }
  std::vector<Value> items;
};

struct ObjectNode : detail::PooledNode {
  explicit ObjectNode(std::vector<Value::Entry> e, uint64_t order = 0) : entries(std::move(e)), given_order(order) {
    charge_memory(sizeof(ObjectNode) + entries.capacity() * sizeof(Value::Entry));
  }
  std::vector<Value::Entry> entries;
  // The order the keys were given in, when it is not the sorted one (0):
  // nibble k is the index into entries of the k-th key given. Kept for
  // objects of up to 16 keys, in the node's own block.
  uint64_t given_order;
};

// Packs given[k] (indices into n sorted entries) as ObjectNode::given_order;
// 0 when they are the sorted order itself.
uint64_t pack_given_order(const uint8_t* given, size_t n) {
  if (n < 2 || n > 16) return 0;
  uint64_t packed = 0;
  bool identity = true;
  for (size_t k = 0; k < n; ++k) {
    identity &= given[k] == k;
    packed |= static_cast<uint64_t>(given[k] & 0xF) << (4 * k);
  }
  return identity ? 0 : packed;
}

static_assert(sizeof(StringNode) <= detail::NodePool::kBlockSize);
static_assert(sizeof(ArrayNode) <= detail::NodePool::kBlockSize);
static_assert(sizeof(ObjectNode) <= detail::NodePool::kBlockSize);
static_assert(sizeof(BigNumNode) > detail::NodePool::kBlockSize, "big numbers are rare: they use the heap");

const std::string& empty_string() {
  static const std::string* s = new std::string();
  return *s;
}
const std::vector<Value>& empty_items() {
  static const std::vector<Value>* v = new std::vector<Value>();
  return *v;
}
const std::vector<Value::Entry>& empty_entries() {
  static const std::vector<Value::Entry>* v = new std::vector<Value::Entry>();
  return *v;
}

// Rank of a kind in the cross-kind order; all numbers share one rank.
int rank(Kind k) {
  switch (k) {
    case Kind::Null: return 0;
    case Kind::Bool: return 1;
    case Kind::Int:
    case Kind::Uint:
    case Kind::Double:
    case Kind::BigNum: return 2;
    case Kind::String: return 3;
    case Kind::Array: return 4;
    case Kind::Object: return 5;
    case Kind::Set: return 6;
    case Kind::Bytes: return 7;
    case Kind::Opaque: return 8;
  }
  return 9;
}
constexpr int kStringRank = 3;

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int compare_bytes(std::string_view a, std::string_view b) {
  int c = a.compare(b);  // char_traits<char> compares as unsigned char, like memcmp
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int compare_int_uint(int64_t a, uint64_t b) {
  if (a < 0) return -1;
  return three_way(static_cast<uint64_t>(a), b);
}

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

// Exact comparison of a double with an int64 (no rounding of the integer).
int compare_double_int(double d, int64_t i) {
  if (std::isnan(d)) return -1;
  if (d < -kTwo63) return -1;
  if (d >= kTwo63) return 1;
  auto t = static_cast<int64_t>(d);  // truncation, exact in range
  if (t != i) return t < i ? -1 : 1;
  double frac = d - static_cast<double>(t);  // exact: fractional part of a double
  return frac < 0 ? -1 : (frac > 0 ? 1 : 0);
}

int compare_double_uint(double d, uint64_t u) {
  if (std::isnan(d)) return -1;
  if (d < 0) return -1;
  if (d >= kTwo64) return 1;
  auto t = static_cast<uint64_t>(d);
  if (t != u) return t < u ? -1 : 1;
  double frac = d - static_cast<double>(t);
  return frac > 0 ? 1 : 0;
}

int compare_doubles(double a, double b) {
  bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na && nb ? 0 : (na ? -1 : 1);
  return three_way(a, b);
}

const BigNumNode& bignum_node(const Value& v);

// `other` is any numeric value.
int compare_with_bignum(const Value& other, const BigNumNode& bignode) {
  const Decimal& big = bignode.decimal;
  switch (other.kind()) {
    case Kind::Int: return compare_decimals(decimal_from_int(other.as_int()), big);
    case Kind::Uint: return compare_decimals(decimal_from_uint(other.as_uint()), big);
    case Kind::Double: {
      double d = other.as_double();
      if (std::isnan(d)) return -1;
      if (std::isinf(d)) return d < 0 ? -1 : 1;
      // Rounding is monotonic, so unequal rounded values already decide.
      if (d != bignode.nearest) return d < bignode.nearest ? -1 : 1;
      return compare_decimals(decimal_from_double(d), big);
    }
    default: return compare_decimals(bignum_node(other).decimal, big);
  }
}

int compare_numbers(const Value& a, const Value& b) {
  Kind ka = a.kind(), kb = b.kind();
  if (ka == Kind::BigNum) return -compare_with_bignum(b, bignum_node(a));
  if (kb == Kind::BigNum) return compare_with_bignum(a, bignum_node(b));
  switch (ka) {
    case Kind::Int:
      switch (kb) {
        case Kind::Int: return three_way(a.as_int(), b.as_int());
        case Kind::Uint: return compare_int_uint(a.as_int(), b.as_uint());
        default: return -compare_double_int(b.as_double(), a.as_int());
      }
    case Kind::Uint:
      switch (kb) {
        case Kind::Int: return -compare_int_uint(b.as_int(), a.as_uint());
        case Kind::Uint: return three_way(a.as_uint(), b.as_uint());
        default: return -compare_double_uint(b.as_double(), a.as_uint());
      }
    default:
      switch (kb) {
        case Kind::Int: return compare_double_int(a.as_double(), b.as_int());
        case Kind::Uint: return compare_double_uint(a.as_double(), b.as_uint());
        default: return compare_doubles(a.as_double(), b.as_double());
      }
  }
}

int compare_opaque(const OpaqueValue& a, const OpaqueValue& b) {
  if (&a == &b) return 0;
  std::string_view ta = a.type_name(), tb = b.type_name();
  if (ta != tb) return compare_bytes(ta, tb);
  if (a.equals(b)) return 0;
  int c = a.compare(b);
  if (c != 0) return c < 0 ? -1 : 1;
  // Unequal yet unordered by the type: fall back to identity so the order
  // stays antisymmetric.
  return std::less<const void*>()(&a, &b) ? -1 : 1;
}

// Compares an object key with a string key without building a Value.
int compare_key(const Value& key, std::string_view k) {
  if (key.kind() == Kind::String) return compare_bytes(key.as_string(), k);
  return rank(key.kind()) < kStringRank ? -1 : 1;
}

// ---- hashing ----

inline uint64_t mix(uint64_t x) {
  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
inline size_t combine(size_t seed, size_t h) { return mix(seed ^ (h + 0x9e3779b97f4a7c15ULL + (seed << 6))); }

constexpr uint64_t kNumberSeed = 0x6e756d6265720000ULL;
// All integral numbers hash as their 64-bit two's complement pattern, so
// 1 == 1u == 1.0 hash alike (the odd collision -1 vs 2^64-1 is harmless).
inline size_t hash_integral(uint64_t bits) { return mix(bits ^ kNumberSeed); }

size_t hash_double(double d) {
  if (std::isnan(d)) return mix(kNumberSeed ^ 0x7ff8);
  if (d == std::trunc(d)) {
    if (d >= -kTwo63 && d < kTwo63) return hash_integral(static_cast<uint64_t>(static_cast<int64_t>(d)));
    if (d >= 0 && d < kTwo64) return hash_integral(static_cast<uint64_t>(d));
  }
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return mix(bits ^ (kNumberSeed + 1));
}

size_t hash_string_like(std::string_view s, uint64_t seed) { return mix(std::hash<std::string_view>()(s) ^ seed); }

// Hash of a big number consistent with compare(): the same hash as the
// Int/Uint/Double it equals, if any.
size_t hash_decimal(const Decimal& d, double approx) {
  uint64_t bits;
  if (decimal_to_integral_bits(d, &bits)) return hash_integral(bits);
  if (std::isfinite(approx) && compare_decimals(decimal_from_double(approx), d) == 0) return hash_double(approx);
  return hash_string_like(decimal_key(d), kNumberSeed + 2);
}

// Only called for BigNum values.
const BigNumNode& bignum_node(const Value& v) {
  return *static_cast<const BigNumNode*>(static_cast<const detail::Node*>(v.identity()));
}

}  // namespace

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Null: return "null";
    case Kind::Bool: return "bool";
    case Kind::Int: return "int";
    case Kind::Uint: return "uint";
    case Kind::Double: return "double";
    case Kind::BigNum: return "bignum";
    case Kind::String: return "string";
    case Kind::Array: return "array";
    case Kind::Object: return "object";
    case Kind::Set: return "set";
    case Kind::Bytes: return "bytes";
    case Kind::Opaque: return "opaque";
  }
  return "unknown";
}

int OpaqueValue::compare(const OpaqueValue& other) const {
  return compare_bytes(debug_string(), other.debug_string());
}

size_t OpaqueValue::hash_code() const { return 0; }

// ---- construction ----

Value Value::bignum(std::string text) {
  Decimal d;
  std::string canonical;
  if (!parse_decimal(text, &d, &canonical)) throw std::invalid_argument("invalid number text: \"" + text + "\"");
  double nearest = decimal_to_double(d);
  size_t h = hash_decimal(d, nearest);
  Value v;
  v.u_.node = new BigNumNode(std::move(canonical), std::move(d), nearest, h);
  v.kind_ = Kind::BigNum;
  return v;
}

Value Value::number_with_text(std::string text, const Value& value) {
  Decimal d;
  if (value.is_int()) d = decimal_from_int(value.as_int());
  else if (value.is_uint()) d = decimal_from_uint(value.as_uint());
  else if (value.is_double() && std::isfinite(value.as_double())) d = decimal_from_double(value.as_double());
  else if (value.is_bignum()) d = bignum_node(value).decimal;
  else if (!parse_decimal(text, &d, nullptr)) throw std::invalid_argument("invalid number text: \"" + text + "\"");
  double nearest = decimal_to_double(d);
  size_t h = hash_decimal(d, nearest);
  Value v;
  v.u_.node = new BigNumNode(std::move(text), std::move(d), nearest, h);
  v.kind_ = Kind::BigNum;
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.u_.node = new StringNode(std::move(s));
  v.kind_ = Kind::String;
  return v;
}

Value Value::bytes(std::string b) {
  Value v;
  v.u_.node = new StringNode(std::move(b));
  v.kind_ = Kind::Bytes;
  return v;
}

Value Value::array(std::vector<Value> items) {
  Value v;
  v.u_.node = new ArrayNode(std::move(items));
  v.kind_ = Kind::Array;
  return v;
}

namespace {
bool key_less(const Value::Entry& a, const Value::Entry& b) { return compare(a.first, b.first) < 0; }

bool strictly_sorted(const std::vector<Value::Entry>& entries) {
  for (size_t i = 1; i < entries.size(); ++i)
    if (compare(entries[i - 1].first, entries[i].first) >= 0) return false;
  return true;
}

// The key text of an entry known to have a string key.
std::string_view string_key(const Value::Entry& e) {
  return static_cast<const StringNode*>(static_cast<const detail::Node*>(e.first.identity()))->text;
}

// Sorts entries (insertion sort for the usual small object: stable and
// allocation-free) and keeps the last entry of each run of equal keys.
// Stable sort: insertion sort (allocation-free) for the usual small vector.
template <class T, class Less>
void stable_sort_small(std::vector<T>& items, Less less) {
  if (items.size() > 16) {
    std::stable_sort(items.begin(), items.end(), less);
    return;
  }
  for (size_t i = 1; i < items.size(); ++i) {
    if (!less(items[i], items[i - 1])) continue;
    T moving = std::move(items[i]);
    size_t j = i;
    for (; j > 0 && less(moving, items[j - 1]); --j) items[j] = std::move(items[j - 1]);
    items[j] = std::move(moving);
  }
}

template <class Less, class Equal>
void sort_and_dedup(std::vector<Value::Entry>& entries, Less less, Equal equal) {
  stable_sort_small(entries, less);
  // Equal keys are adjacent and in input order: keep the last of each run.
  size_t w = 0;
  for (size_t r = 0; r < entries.size(); ++r) {
    if (w > 0 && equal(entries[w - 1], entries[r])) {
      entries[w - 1].second = std::move(entries[r].second);
    } else {
      if (w != r) entries[w] = std::move(entries[r]);
      ++w;
    }
  }
  entries.resize(w);
}
}  // namespace

Value Value::object(std::vector<Entry> entries) {
  // Objects built from JSON, YAML and most rule code have string keys only:
  // they are ordered by their text directly, without the cross-kind compare().
  bool string_keys = true, sorted = true;
  for (size_t i = 0; i < entries.size() && string_keys; ++i) {
    string_keys = entries[i].first.is_string();
    if (string_keys && i > 0 && sorted) sorted = string_key(entries[i - 1]) < string_key(entries[i]);
  }
  if (string_keys) {
    if (!sorted)
      sort_and_dedup(
          entries, [](const Entry& a, const Entry& b) { return string_key(a) < string_key(b); },
          [](const Entry& a, const Entry& b) { return string_key(a) == string_key(b); });
  } else if (!strictly_sorted(entries)) {
    sort_and_dedup(entries, key_less, [](const Entry& a, const Entry& b) { return a.first == b.first; });
  }
  return object_sorted(std::move(entries));
}

Value Value::object_keeping_order(std::vector<Entry> entries) {
  const size_t n = entries.size();
  if (n < 2 || n > 16 || strictly_sorted(entries)) return object(std::move(entries));
  // Positions sorted stably by key: a run of equal keys is in given order.
  uint8_t by_key[16];
  for (size_t i = 0; i < n; ++i) by_key[i] = static_cast<uint8_t>(i);
  for (size_t i = 1; i < n; ++i) {
    uint8_t moving = by_key[i];
    size_t j = i;
    for (; j > 0 && compare(entries[moving].first, entries[by_key[j - 1]].first) < 0; --j) by_key[j] = by_key[j - 1];
    by_key[j] = moving;
  }
  // A repeated key keeps its first place and its last value (a Go map's
  // assignment to an existing key).
  std::vector<Entry> sorted;
  sorted.reserve(n);
  uint8_t sorted_index_of[16];
  std::fill(std::begin(sorted_index_of), std::end(sorted_index_of), uint8_t{0xFF});
  for (size_t r = 0; r < n;) {
    size_t end = r + 1;
    while (end < n && compare(entries[by_key[r]].first, entries[by_key[end]].first) == 0) ++end;
    sorted_index_of[by_key[r]] = static_cast<uint8_t>(sorted.size());
    sorted.emplace_back(std::move(entries[by_key[r]].first), std::move(entries[by_key[end - 1]].second));
    r = end;
  }
  uint8_t given[16];
  size_t k = 0;
  for (size_t i = 0; i < n; ++i) {
    if (sorted_index_of[i] != 0xFF) given[k++] = sorted_index_of[i];
  }
  return object_sorted_in_given_order(std::move(sorted), given);
}

Value Value::object_sorted_in_given_order(std::vector<Entry> entries, const uint8_t* given) {
  assert(strictly_sorted(entries));
  const uint64_t order = given != nullptr ? pack_given_order(given, entries.size()) : 0;
  Value v;
  v.u_.node = new ObjectNode(std::move(entries), order);
  v.kind_ = Kind::Object;
  return v;
}

size_t Value::given_order_index(size_t k) const {
  const uint64_t order = static_cast<const ObjectNode*>(u_.node)->given_order;
  return order == 0 ? k : static_cast<size_t>((order >> (4 * k)) & 0xF);
}

Value Value::object_sorted(std::vector<Entry> entries) {
  assert(strictly_sorted(entries));
  Value v;
  v.u_.node = new ObjectNode(std::move(entries));
  v.kind_ = Kind::Object;
  return v;
}

Value Value::set(std::vector<Value> items) {
  // Sorted stably, so each run of equal values is in insertion order.
  stable_sort_small(items, [](const Value& a, const Value& b) { return compare(a, b) < 0; });
  // OPA's set insertion (ast set.insert): a member equal to one already in
  // the set is dropped, except that an integer-written number only matches an
  // integer-written member. So a run keeps its first value and, when that is
  // a number not written as an integer (2.0), the first integer after it (2).
  size_t w = 0;
  for (size_t r = 0; r < items.size();) {
    size_t end = r + 1;
    while (end < items.size() && compare(items[r], items[end]) == 0) ++end;
    const bool add_integer = end - r > 1 && items[r].is_number() && !written_as_integer(items[r]);
    if (w != r) items[w] = std::move(items[r]);
    ++w;
    if (add_integer) {
      for (size_t k = r + 1; k < end; ++k) {
        if (!written_as_integer(items[k])) continue;
        items[w++] = std::move(items[k]);
        break;
      }
    }
    r = end;
  }
  items.resize(w);
  Value v;
  v.u_.node = new ArrayNode(std::move(items));
  v.kind_ = Kind::Set;
  return v;
}

bool written_as_integer(const Value& v) {
  switch (v.kind()) {
    case Kind::Int:
    case Kind::Uint: return true;
    case Kind::Double: {
      // How Gatekeeper's float64 input reaches OPA: FormatFloat(x, 'g', -1).
      const double x = v.as_double();
      return x == std::trunc(x) && std::fabs(x) < 9.2e18;
    }
    case Kind::BigNum: return v.as_string().find_first_of(".eE") == std::string::npos;
    default: return false;
  }
}

const Value& Value::empty_array() {
  static const Value* v = new Value(Value::array({}));
  return *v;
}

const Value& Value::empty_object() {
  static const Value* v = new Value(Value::object_sorted({}));
  return *v;
}

// ---- inspection ----

double Value::to_double() const {
  switch (kind_) {
    case Kind::Int: return static_cast<double>(u_.i);
    case Kind::Uint: return static_cast<double>(u_.u);
    case Kind::Double: return u_.d;
    case Kind::BigNum: return static_cast<const BigNumNode*>(u_.node)->nearest;
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

const std::string& Value::as_string() const {
  if (kind_ == Kind::String || kind_ == Kind::Bytes || kind_ == Kind::BigNum)
    return static_cast<const StringNode*>(u_.node)->text;
  return empty_string();
}

const std::vector<Value>& Value::items() const {
  if (kind_ == Kind::Array || kind_ == Kind::Set) return static_cast<const ArrayNode*>(u_.node)->items;
  return empty_items();
}

const std::vector<Value::Entry>& Value::entries() const {
  if (kind_ == Kind::Object) return static_cast<const ObjectNode*>(u_.node)->entries;
  return empty_entries();
}

size_t Value::size() const {
  switch (kind_) {
    case Kind::String:
    case Kind::Bytes:
    case Kind::BigNum: return static_cast<const StringNode*>(u_.node)->text.size();
    case Kind::Array:
    case Kind::Set: return static_cast<const ArrayNode*>(u_.node)->items.size();
    case Kind::Object: return static_cast<const ObjectNode*>(u_.node)->entries.size();
    default: return 0;
  }
}

const Value* Value::find(std::string_view key) const {
  if (kind_ != Kind::Object) return nullptr;
  const auto& es = static_cast<const ObjectNode*>(u_.node)->entries;
  size_t lo = 0, hi = es.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = compare_key(es[mid].first, key);
    if (c == 0) return &es[mid].second;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return nullptr;
}

const Value* Value::find(const Value& key) const {
  if (kind_ != Kind::Object) return nullptr;
  if (key.kind_ == Kind::String) return find(std::string_view(key.as_string()));
  const auto& es = static_cast<const ObjectNode*>(u_.node)->entries;
  auto it = std::lower_bound(es.begin(), es.end(), key,
                             [](const Entry& e, const Value& k) { return compare(e.first, k) < 0; });
  if (it != es.end() && compare(it->first, key) == 0) return &it->second;
  return nullptr;
}

const Value& Value::operator[](std::string_view key) const {
  static const Value* null_value = new Value();
  const Value* v = find(key);
  return v ? *v : *null_value;
}

const Value* Value::at(size_t i) const {
  if (kind_ != Kind::Array) return nullptr;
  const auto& items = static_cast<const ArrayNode*>(u_.node)->items;
  return i < items.size() ? &items[i] : nullptr;
}

bool Value::contains(const Value& item) const {
  if (kind_ != Kind::Set) return false;
  const auto& items = static_cast<const ArrayNode*>(u_.node)->items;
  auto it = std::lower_bound(items.begin(), items.end(), item,
                             [](const Value& a, const Value& b) { return compare(a, b) < 0; });
  return it != items.end() && compare(*it, item) == 0;
}

const Value* Value::path(std::initializer_list<std::string_view> keys) const {
  const Value* cur = this;
  for (std::string_view k : keys) {
    cur = cur->find(k);
    if (!cur) return nullptr;
  }
  return cur;
}

// ---- order and hashing ----

int compare(const Value& a, const Value& b) {
  Kind ka = a.kind(), kb = b.kind();
  if (ka == Kind::String && kb == Kind::String) return compare_bytes(a.as_string(), b.as_string());
  int ra = rank(ka), rb = rank(kb);
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (ka) {
    case Kind::Null: return 0;
    case Kind::Bool: return three_way(a.as_bool(), b.as_bool());
    case Kind::Int:
    case Kind::Uint:
    case Kind::Double:
    case Kind::BigNum: return compare_numbers(a, b);
    case Kind::String:
    case Kind::Bytes: return compare_bytes(a.as_string(), b.as_string());
    case Kind::Array:
    case Kind::Set: {
      if (a.identity() == b.identity()) return 0;
      const auto& x = a.items();
      const auto& y = b.items();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i)
        if (int c = compare(x[i], y[i])) return c;
      return three_way(x.size(), y.size());
    }
    case Kind::Object: {
      if (a.identity() == b.identity()) return 0;
      const auto& x = a.entries();
      const auto& y = b.entries();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        if (int c = compare(x[i].first, y[i].first)) return c;
        if (int c = compare(x[i].second, y[i].second)) return c;
      }
      return three_way(x.size(), y.size());
    }
    case Kind::Opaque: return compare_opaque(a.as_opaque(), b.as_opaque());
  }
  return 0;
}

size_t hash(const Value& v) {
  switch (v.kind()) {
    case Kind::Null: return mix(0x6e756c6cULL);
    case Kind::Bool: return mix(0x626f6f6cULL + (v.as_bool() ? 1 : 0));
    case Kind::Int: return hash_integral(static_cast<uint64_t>(v.as_int()));
    case Kind::Uint: return hash_integral(v.as_uint());
    case Kind::Double: return hash_double(v.as_double());
    case Kind::BigNum: return bignum_node(v).hash;
    case Kind::String: return hash_string_like(v.as_string(), 0x73747200ULL);
    case Kind::Bytes: return hash_string_like(v.as_string(), 0x62797400ULL);
    case Kind::Array:
    case Kind::Set: {
      size_t h = v.is_array() ? 0x61727200ULL : 0x73657400ULL;
      for (const Value& item : v.items()) h = combine(h, hash(item));
      return h;
    }
    case Kind::Object: {
      size_t h = 0x6f626a00ULL;
      for (const auto& [k, val] : v.entries()) h = combine(combine(h, hash(k)), hash(val));
      return h;
    }
    case Kind::Opaque: {
      const OpaqueValue& o = v.as_opaque();
      return combine(hash_string_like(o.type_name(), 0x6f706100ULL), o.hash_code());
    }
  }
  return 0;
}

// ---- derived objects ----

Value with_entry(const Value& obj, const Value& key, Value val) {
  if (!obj.is_object()) return Value::object_sorted({Value::Entry(key, std::move(val))});
  const auto& es = obj.entries();
  auto pos = std::lower_bound(es.begin(), es.end(), key,
                              [](const Value::Entry& e, const Value& k) { return compare(e.first, k) < 0; });
  size_t index = static_cast<size_t>(pos - es.begin());
  bool replace = pos != es.end() && compare(pos->first, key) == 0;
  std::vector<Value::Entry> out;
  out.reserve(es.size() + (replace ? 0 : 1));
  out.insert(out.end(), es.begin(), es.begin() + index);
  out.emplace_back(replace ? pos->first : key, std::move(val));
  out.insert(out.end(), es.begin() + index + (replace ? 1 : 0), es.end());
  return Value::object_sorted(std::move(out));
}

Value with_entry(const Value& obj, std::string_view key, Value val) {
  if (obj.is_object()) {
    const auto& es = obj.entries();
    auto pos = std::lower_bound(es.begin(), es.end(), key,
                                [](const Value::Entry& e, std::string_view k) { return compare_key(e.first, k) < 0; });
    if (pos != es.end() && compare_key(pos->first, key) == 0) {
      // Replacing: the stored key node is reused, no string is allocated.
      std::vector<Value::Entry> out(es.begin(), es.end());
      out[static_cast<size_t>(pos - es.begin())].second = std::move(val);
      return Value::object_sorted(std::move(out));
    }
  }
  return with_entry(obj, Value::string(key), std::move(val));
}

Value without_entry(const Value& obj, std::string_view key) {
  if (!obj.find(key)) return obj;
  const auto& es = obj.entries();
  std::vector<Value::Entry> out;
  out.reserve(es.size() - 1);
  for (const auto& e : es)
    if (compare_key(e.first, key) != 0) out.push_back(e);
  return Value::object_sorted(std::move(out));
}

}  // namespace tollgate::value
