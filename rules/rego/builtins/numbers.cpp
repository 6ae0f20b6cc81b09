// Numbers and aggregates: abs ceil floor round, numbers.range(_step),
// rand.intn, count sum product max min sort, bits.*.
#include <algorithm>
#include <random>
#include <string>

#include "rules/rego/arithmetic.h"
#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/operands.h"
#include "rules/rego/builtins/runes.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;

// numbers.range builds the whole array at once; past this many numbers a
// policy is far more likely looping by mistake than meaning it.
constexpr uint64_t kMaxRangeLength = 1'000'000;
// bits.lsh results beyond this many bits are refused rather than allocated.
constexpr uint64_t kMaxShiftBits = 1 << 20;

template <Value (*Operation)(const Value&)>
std::optional<Value> unary_number(Args args, BuiltinContext&) {
  return Operation(number_operand(args, 1));
}

// OPA's BigIntOperand: any integral number ("integer" names the type in errors).
BigInt big_int_operand(Args args, int pos) {
  const Value& v = args[static_cast<size_t>(pos - 1)];
  if (!v.is_number()) throw_operand_type_error(pos, v, {"integer"});
  std::optional<BigInt> i = number_to_big_int(v);
  if (!i) throw_operand_error(pos, "must be integer number but got floating-point number");
  return *i;
}

Value range(const BigInt& from, const BigInt& to, const BigInt& step, const char* name) {
  const bool descending = compare(from, to) > 0;
  BigInt span = descending ? from - to : to - from;
  BigInt count;
  BigInt::divide(span, step, &count, nullptr);
  std::optional<int64_t> n = count.to_int64();
  if (!n || static_cast<uint64_t>(*n) >= kMaxRangeLength) {
    throw_builtin_error(std::string(name) + ": too many numbers in range (more than " +
                        std::to_string(kMaxRangeLength) + ")");
  }
  std::vector<Value> out;
  out.reserve(static_cast<size_t>(*n) + 1);
  std::optional<int64_t> first = from.to_int64(), increment = step.to_int64();
  std::optional<int64_t> last = to.to_int64();
  if (first && increment && last) {
    int64_t v = *first;
    for (int64_t i = 0;; ++i) {
      out.push_back(Value::integer(v));
      if (i == *n) break;
      v = descending ? v - *increment : v + *increment;  // stays between first and last
    }
  } else {
    BigInt v = from;
    for (int64_t i = 0;; ++i) {
      out.push_back(number_from_big_int(v));
      if (i == *n) break;
      v = descending ? v - step : v + step;
    }
  }
  return Value::array(std::move(out));
}

std::optional<Value> numbers_range(Args args, BuiltinContext&) {
  BigInt from = big_int_operand(args, 1);
  BigInt to = big_int_operand(args, 2);
  return range(from, to, BigInt::from_int64(1), "numbers.range");
}

std::optional<Value> numbers_range_step(Args args, BuiltinContext&) {
  BigInt from = big_int_operand(args, 1);
  BigInt to = big_int_operand(args, 2);
  BigInt step = big_int_operand(args, 3);
  // OPA's message carries the name itself (so strict errors show it twice, as OPA's do).
  if (step.sign() <= 0) throw_builtin_error("numbers.range_step: step must be a positive integer");
  return range(from, to, step, "numbers.range_step");
}

// A uniformly random integer in [0, n), the same for the same (key, n) within a query.
std::optional<Value> rand_intn(Args args, BuiltinContext& ctx) {
  const std::string& key = string_operand(args, 1);
  int64_t n = int_operand(args, 2);
  if (n == 0) return Value::integer(0);
  uint64_t bound = n < 0 ? uint64_t{0} - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  std::string cache_key = "rand.intn/" + key + "-" + std::to_string(bound);
  if (ctx.nondeterministic_cache) {
    auto it = ctx.nondeterministic_cache->find(cache_key);
    if (it != ctx.nondeterministic_cache->end()) return it->second;
  }
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uniform_int_distribution<uint64_t> distribution(0, bound - 1);
  Value result = Value::integer(static_cast<int64_t>(distribution(generator)));
  if (ctx.nondeterministic_cache) ctx.nondeterministic_cache->emplace(std::move(cache_key), result);
  return result;
}

std::optional<Value> count(Args args, BuiltinContext&) {
  const Value& v = args[0];
  switch (v.kind()) {
    case value::Kind::Array:
    case value::Kind::Set: return Value::integer(static_cast<int64_t>(v.items().size()));
    case value::Kind::Object: return Value::integer(static_cast<int64_t>(v.entries().size()));
    case value::Kind::String: return Value::integer(static_cast<int64_t>(rune_count(v.as_string())));
    default: throw_operand_type_error(1, v, {"array", "object", "set", "string"});
  }
}

// The items of an array or set operand (OPA names them "set, array" here).
const std::vector<Value>& collection_operand(Args args) {
  const Value& v = args[0];
  if (!v.is_array() && !v.is_set()) throw_operand_type_error(1, v, {"set", "array"});
  return v.items();
}

const std::vector<Value>& numbers_operand(Args args) {
  const std::vector<Value>& items = collection_operand(args);
  for (const Value& item : items) {
    if (!item.is_number()) throw_operand_element_error(1, args[0], item, "number");
  }
  return items;
}

std::optional<Value> sum(Args args, BuiltinContext&) { return sum_numbers(numbers_operand(args)); }

std::optional<Value> product(Args args, BuiltinContext&) { return product_numbers(numbers_operand(args)); }

// Of equal values (2 and 2.0) OPA keeps the last one it meets: max and min
// replace their pick on Compare <= 0 / >= 0, so max([1.5, 2, 2.0]) is 2.0.
std::optional<Value> max(Args args, BuiltinContext&) {
  const std::vector<Value>& items = collection_operand(args);
  if (items.empty()) return std::nullopt;
  const Value* pick = &items.front();
  for (const Value& item : items)
    if (value::compare(*pick, item) <= 0) pick = &item;
  return *pick;
}

std::optional<Value> min(Args args, BuiltinContext&) {
  const std::vector<Value>& items = collection_operand(args);
  if (items.empty()) return std::nullopt;
  const Value* pick = &items.front();
  for (const Value& item : items)
    if (value::compare(*pick, item) >= 0) pick = &item;
  return *pick;
}

std::optional<Value> sort(Args args, BuiltinContext&) {
  const Value& v = args[0];
  if (v.is_set()) return Value::array(v.items());
  std::vector<Value> items = collection_operand(args);
  std::stable_sort(items.begin(), items.end(), [](const Value& a, const Value& b) { return value::compare(a, b) < 0; });
  return Value::array(std::move(items));
}

template <int64_t (*Small)(int64_t, int64_t), BigInt (*Big)(const BigInt&, const BigInt&)>
std::optional<Value> bits_binary(Args args, BuiltinContext&) {
  if (args[0].is_int() && args[1].is_int()) return Value::integer(Small(args[0].as_int(), args[1].as_int()));
  return number_from_big_int(Big(big_int_operand(args, 1), big_int_operand(args, 2)));
}

int64_t and_int64(int64_t a, int64_t b) { return a & b; }
int64_t or_int64(int64_t a, int64_t b) { return a | b; }
int64_t xor_int64(int64_t a, int64_t b) { return a ^ b; }

std::optional<Value> bits_negate(Args args, BuiltinContext&) {
  if (args[0].is_int()) return Value::integer(~args[0].as_int());
  return number_from_big_int(BigInt::bit_not(big_int_operand(args, 1)));
}

uint64_t shift_count(Args args) {
  BigInt count = big_int_operand(args, 2);
  if (count.is_negative()) throw_operand_error(2, "must be an unsigned integer number but got a negative integer");
  std::optional<int64_t> small = count.to_int64();
  return small ? static_cast<uint64_t>(*small) : UINT64_MAX;
}

std::optional<Value> bits_shift_left(Args args, BuiltinContext&) {
  BigInt x = big_int_operand(args, 1);
  uint64_t count = shift_count(args);
  if (x.is_zero()) return Value::integer(0);
  if (count > kMaxShiftBits) throw_builtin_error("shift count too large");
  return number_from_big_int(BigInt::shift_left(x, static_cast<size_t>(count)));
}

std::optional<Value> bits_shift_right(Args args, BuiltinContext&) {
  BigInt x = big_int_operand(args, 1);
  uint64_t count = shift_count(args);
  if (count >= x.bit_length()) return Value::integer(x.is_negative() ? -1 : 0);
  return number_from_big_int(BigInt::shift_right(x, static_cast<size_t>(count)));
}

}  // namespace

void register_number_builtins(BuiltinRegistry& r) {
  r.add({.name = "abs", .arity = 1, .function = unary_number<abs_number>});
  r.add({.name = "round", .arity = 1, .function = unary_number<round_number>});
  r.add({.name = "ceil", .arity = 1, .function = unary_number<ceil_number>});
  r.add({.name = "floor", .arity = 1, .function = unary_number<floor_number>});
  r.add({.name = "numbers.range", .arity = 2, .function = numbers_range});
  r.add({.name = "numbers.range_step", .arity = 3, .function = numbers_range_step});
  r.add({.name = "rand.intn", .arity = 2, .function = rand_intn, .nondeterministic = true});
  r.add({.name = "count", .arity = 1, .function = count});
  r.add({.name = "sum", .arity = 1, .function = sum});
  r.add({.name = "product", .arity = 1, .function = product});
  r.add({.name = "max", .arity = 1, .function = max});
  r.add({.name = "min", .arity = 1, .function = min});
  r.add({.name = "sort", .arity = 1, .function = sort});
  r.add({.name = "bits.and", .arity = 2, .function = bits_binary<and_int64, BigInt::bit_and>});
  r.add({.name = "bits.or", .arity = 2, .function = bits_binary<or_int64, BigInt::bit_or>});
  r.add({.name = "bits.xor", .arity = 2, .function = bits_binary<xor_int64, BigInt::bit_xor>});
  r.add({.name = "bits.negate", .arity = 1, .function = bits_negate});
  r.add({.name = "bits.lsh", .arity = 2, .function = bits_shift_left});
  r.add({.name = "bits.rsh", .arity = 2, .function = bits_shift_right});
}

}  // namespace tollgate::rego
