// Static CEL types, as the checker and the function registry describe
// arguments and results: int, list(string), map(string, dyn), optional_type(int),
// kubernetes.Quantity, type parameters (A, K, V) and dyn.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tollgate::cel {

enum class TypeKind : uint8_t {
  Dyn,        // anything; checked at run time
  Null,       // null_type
  Bool,
  Int,
  Uint,
  Double,
  String,
  Bytes,
  List,       // params: element
  Map,        // params: key, value
  Type,       // params: the type it denotes (or dyn)
  Duration,   // google.protobuf.Duration
  Timestamp,  // google.protobuf.Timestamp
  Optional,   // params: contained type
  Opaque,     // an extension type named by name(), e.g. kubernetes.Quantity
  TypeParam,  // a type variable in an overload signature, named by name()
  Error,      // the type of an expression that failed to check
  // cel-go's nil *types.Type, printed as "": what cel-go v0.22's checker gives
  // the second variable of a two-variable comprehension over a dyn range.
  // Only dyn parameters and type parameters accept it.
  Unspecified,
};

class CelType {
 public:
  CelType() = default;  // dyn

  static CelType dyn() { return CelType(TypeKind::Dyn); }
  static CelType null_type() { return CelType(TypeKind::Null); }
  static CelType bool_() { return CelType(TypeKind::Bool); }
  static CelType int_() { return CelType(TypeKind::Int); }
  static CelType uint_() { return CelType(TypeKind::Uint); }
  static CelType double_() { return CelType(TypeKind::Double); }
  static CelType string() { return CelType(TypeKind::String); }
  static CelType bytes() { return CelType(TypeKind::Bytes); }
  static CelType duration() { return CelType(TypeKind::Duration); }
  static CelType timestamp() { return CelType(TypeKind::Timestamp); }
  static CelType error() { return CelType(TypeKind::Error); }
  static CelType unspecified() { return CelType(TypeKind::Unspecified); }
  static CelType list(CelType element);
  static CelType map(CelType key, CelType value);
  static CelType type();  // type(dyn)
  static CelType type(CelType of);
  static CelType optional(CelType of);
  static CelType opaque(std::string name);
  // A parameterized abstract type, e.g. tuple(int, string).
  static CelType opaque(std::string name, std::vector<CelType> params);
  static CelType param(std::string name);

  TypeKind kind() const { return kind_; }
  bool is_dyn() const { return kind_ == TypeKind::Dyn; }
  // Opaque type name or type parameter name.
  const std::string& name() const;
  const std::vector<CelType>& params() const;
  const CelType& param_at(size_t i) const { return params()[i]; }

  // cel-go spelling: "int", "list(string)", "map(string, dyn)",
  // "optional_type(int)", "type(int)", "kubernetes.Quantity".
  std::string to_string() const;
  // The name `type(x)` reports at run time for values of this type: "list",
  // "map", "google.protobuf.Duration", "optional_type", ...
  std::string runtime_name() const;

  friend bool operator==(const CelType& a, const CelType& b);
  friend bool operator!=(const CelType& a, const CelType& b) { return !(a == b); }

 private:
  explicit CelType(TypeKind k) : kind_(k) {}
  struct Detail {
    std::string name;
    std::vector<CelType> params;
  };
  TypeKind kind_ = TypeKind::Dyn;
  std::shared_ptr<const Detail> detail_;
};

}  // namespace tollgate::cel
