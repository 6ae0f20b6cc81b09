// The type lattice of Rego's type checker, as OPA's `types` package has it:
// null, boolean, number, string; arrays with static element types and/or a
// dynamic element type; objects with static properties and/or a dynamic
// key/value; sets; `any` (the top type, or the union any<T1, T2, ...>);
// functions. A null TypeRef is OPA's nil type: unknown, printed `???`.
//
// The operations (or_types, unifies, keys, values, select, compare, to_text)
// follow OPA's definitions so that the checker refuses exactly what OPA
// refuses and prints the same type text in its messages.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/value/value.h"

namespace tollgate::rego::types {

enum class TypeKind : uint8_t { Null, Boolean, Number, String, Array, Object, Set, Any, Function };

struct Type;
using TypeRef = std::shared_ptr<const Type>;

struct StaticProperty {
  value::Value key;
  TypeRef value;
};

struct Type {
  TypeKind kind = TypeKind::Any;
  // Array: static element types. Any: the members (sorted, empty = the top
  // type). Function: argument types.
  std::vector<TypeRef> items;
  // Array: dynamic element type (null: none). Set: element type.
  // Function: result type (null: none).
  TypeRef elem;
  // Object.
  std::vector<StaticProperty> props;  // sorted by key
  bool has_dynamic = false;
  TypeRef dyn_key, dyn_value;
  // Function: argument names (and the result's, last) for `want:` lines;
  // empty when unnamed.
  std::vector<std::string> names;
};

TypeRef null_type();
TypeRef boolean_type();
TypeRef number_type();
TypeRef string_type();
TypeRef any_type();  // the top type
TypeRef array_type(std::vector<TypeRef> statics, TypeRef dynamic);
TypeRef set_type(TypeRef of);
TypeRef object_type(std::vector<StaticProperty> props, bool has_dynamic, TypeRef key = nullptr,
                     TypeRef value = nullptr);
TypeRef any_of(std::vector<TypeRef> members);  // sorted; duplicates kept as OPA's NewAny does
TypeRef function_type(std::vector<TypeRef> args, TypeRef result, std::vector<std::string> names = {});

bool is_top(const TypeRef& t);  // `any` with no members
int compare(const TypeRef& a, const TypeRef& b);
bool contains(const TypeRef& a, const TypeRef& b);
// The union; a superset absorbs its subset. Null when incompatible functions meet.
TypeRef or_types(const TypeRef& a, const TypeRef& b);
// Whether a value of one type may be a value of the other (OPA's unifies).
bool unifies(const TypeRef& a, const TypeRef& b);
// Type of the keys / values that can be enumerated (null: not a collection).
TypeRef keys(const TypeRef& t);
TypeRef values(const TypeRef& t);
// The type of a[key] for a constant key (null: no such element).
TypeRef select(const TypeRef& t, const value::Value& key);
// Whether the type is unknown somewhere (OPA's types.Nil).
bool is_nil(const TypeRef& t);
// The type of a constant value.
TypeRef type_of(const value::Value& v);

// OPA's printed form: `array<number, string>`, `object[string: any]`,
// `any<null, string>`, `???` for null.
std::string to_text(const TypeRef& t);
// Function arguments (and the result, when named or not) as OPA prints a
// `want:` line: `(x: string, y: string)`.
std::string function_args_text(const TypeRef& fn);

// Parses the printed form (as in builtin signature tables); nullopt on a
// syntax error.
std::optional<TypeRef> parse_type(std::string_view text);

}  // namespace tollgate::rego::types
