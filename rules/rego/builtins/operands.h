// Operand checks shared by the builtins, with OPA's wording so that strict
// builtin errors read as OPA's do ("operand 1 must be string but got number").
// The evaluator adds the "<builtin name>: " prefix.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rego/builtins/builtin.h"

namespace tollgate::rego {

// OPA's name for a value's type: null boolean number string array object set.
const char* rego_type_name(const Value& v);

// "operand <pos> <message>" as an eval_type_error.
[[noreturn]] void throw_operand_error(int pos, std::string_view message);
// "operand <pos> must be <t> but got <type>", or "must be one of {a, b} but got <type>".
[[noreturn]] void throw_operand_type_error(int pos, const Value& got, std::initializer_list<std::string_view> expected);
// "operand <pos> must be <composite type> of <element>s but got <composite type> containing <type>".
[[noreturn]] void throw_operand_element_error(int pos, const Value& composite, const Value& element,
                                              std::string_view expected);
// An eval_builtin_error with the message as given.
[[noreturn]] void throw_builtin_error(std::string message);

// args[pos - 1] checked to be a string (pos is OPA's 1-based operand number).
const std::string& string_operand(std::span<const Value> args, int pos);
// args[pos - 1] checked to be a number.
const Value& number_operand(std::span<const Value> args, int pos);
// args[pos - 1] checked to be an integral number that fits int64
// ("must be integer number but got floating-point number" otherwise).
int64_t int_operand(std::span<const Value> args, int pos);
const Value& object_operand(std::span<const Value> args, int pos);
const Value& array_operand(std::span<const Value> args, int pos);
const Value& set_operand(std::span<const Value> args, int pos);

// The strings of an array or set operand (sets in sorted order); other
// types and non-string elements are type errors, as OPA's StringSliceOperand.
std::vector<std::string_view> string_items_operand(const Value& v, int pos);

// The integer value of a numeric Value when it is integral and fits int64.
bool integral_int64(const Value& number, int64_t* out);

}  // namespace tollgate::rego
