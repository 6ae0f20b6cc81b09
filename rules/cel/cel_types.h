// CEL-specific runtime values and the evaluation result type.
//
// CEL values are value::Value (int, uint, double, string, bytes, bool, null,
// list = Array, map = Object) plus the opaque types declared here: duration,
// timestamp, type and optional. Errors are not values: evaluation passes a
// Result, which holds either a Value or an error message.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "rules/value/value.h"

namespace tollgate::cel {

using value::Value;

struct ErrorInfo {
  std::string message;
};

// A Value or an evaluation error ("no such key: x", "division by zero", ...).
class Result {
 public:
  Result() = default;
  Result(Value v) : value_(std::move(v)) {}  // NOLINT: implicit on purpose
  static Result error(std::string message) {
    Result r;
    r.error_ = std::make_shared<const ErrorInfo>(ErrorInfo{std::move(message)});
    return r;
  }

  bool is_error() const { return error_ != nullptr; }
  bool ok() const { return error_ == nullptr; }
  const Value& value() const { return value_; }
  Value& value() { return value_; }
  Value take() { return std::move(value_); }
  const std::string& error_message() const { return error_->message; }
  const std::shared_ptr<const ErrorInfo>& error_info() const { return error_; }

 private:
  Value value_;
  std::shared_ptr<const ErrorInfo> error_;
};

inline Result make_error(std::string message) { return Result::error(std::move(message)); }
inline bool is_error(const Result& r) { return r.is_error(); }
// cel-go's text when no overload matches the runtime argument kinds.
Result no_such_overload(std::string_view function);

// google.protobuf.Duration: signed nanoseconds (the range of Go's time.Duration).
class DurationValue final : public value::OpaqueValue {
 public:
  explicit DurationValue(int64_t nanos) : nanos_(nanos) {}
  int64_t nanos() const { return nanos_; }
  std::string_view type_name() const override { return "google.protobuf.Duration"; }
  bool equals(const OpaqueValue& other) const override;
  int compare(const OpaqueValue& other) const override;
  std::string debug_string() const override;  // "1.5s"

 private:
  int64_t nanos_;
};

// google.protobuf.Timestamp: seconds since the Unix epoch plus nanoseconds,
// within 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z. Like cel-go's
// (a Go time.Time), it remembers the UTC offset it was parsed with:
// string() prints it; the getters without a time zone still read UTC
// (Kubernetes sets cel-go's DefaultUTCTimeZone); equality and order are by
// instant.
class TimestampValue final : public value::OpaqueValue {
 public:
  TimestampValue(int64_t seconds, int32_t nanos, int32_t offset_seconds = 0)
      : seconds_(seconds), nanos_(nanos), offset_(offset_seconds) {}
  int64_t seconds() const { return seconds_; }
  int32_t nanos() const { return nanos_; }
  int32_t offset_seconds() const { return offset_; }
  std::string_view type_name() const override { return "google.protobuf.Timestamp"; }
  bool equals(const OpaqueValue& other) const override;
  int compare(const OpaqueValue& other) const override;
  std::string debug_string() const override;  // RFC 3339

 private:
  int64_t seconds_;
  int32_t nanos_;
  int32_t offset_;
};

// A type as a value: `int`, `list`, `google.protobuf.Duration`, `type`.
class TypeValue final : public value::OpaqueValue {
 public:
  explicit TypeValue(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  std::string_view type_name() const override { return "type"; }
  bool equals(const OpaqueValue& other) const override;
  int compare(const OpaqueValue& other) const override;
  std::string debug_string() const override { return name_; }

 private:
  std::string name_;
};

// optional_type: none, or some value.
class OptionalValue final : public value::OpaqueValue {
 public:
  OptionalValue() = default;
  explicit OptionalValue(Value v) : has_value_(true), value_(std::move(v)) {}
  bool has_value() const { return has_value_; }
  const Value& value() const { return value_; }
  std::string_view type_name() const override { return "optional_type"; }
  bool equals(const OpaqueValue& other) const override;
  std::string debug_string() const override;

 private:
  bool has_value_ = false;
  Value value_;
};

inline constexpr int64_t kMaxTimestampSeconds = 253402300799;   // 9999-12-31T23:59:59Z
inline constexpr int64_t kMinTimestampSeconds = -62135596800;   // 0001-01-01T00:00:00Z

inline Value make_duration(int64_t nanos) { return Value::make_opaque<DurationValue>(nanos); }
inline Value make_timestamp(int64_t seconds, int32_t nanos, int32_t offset_seconds = 0) {
  return Value::make_opaque<TimestampValue>(seconds, nanos, offset_seconds);
}
Value make_type(std::string_view name);  // shared instances for the built-in names
Value optional_none();
inline Value optional_of(Value v) { return Value::make_opaque<OptionalValue>(std::move(v)); }

inline const DurationValue* as_duration(const Value& v) { return v.opaque_as<DurationValue>(); }
inline const TimestampValue* as_timestamp(const Value& v) { return v.opaque_as<TimestampValue>(); }
inline const TypeValue* as_type(const Value& v) { return v.opaque_as<TypeValue>(); }
inline const OptionalValue* as_optional(const Value& v) { return v.opaque_as<OptionalValue>(); }

// The name `type(v)` returns: "int", "list", "map", "null_type", or the
// opaque type_name().
std::string_view runtime_type_name(const Value& v);

}  // namespace tollgate::cel
