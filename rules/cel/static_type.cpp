#include "rules/cel/static_type.h"

namespace tollgate::cel {

namespace {
const std::string& empty_string() {
  static const std::string s;
  return s;
}
const std::vector<CelType>& no_params() {
  static const std::vector<CelType> v;
  return v;
}
}  // namespace

CelType CelType::list(CelType element) {
  CelType t(TypeKind::List);
  t.detail_ = std::make_shared<const Detail>(Detail{"", {std::move(element)}});
  return t;
}

CelType CelType::map(CelType key, CelType value) {
  CelType t(TypeKind::Map);
  t.detail_ = std::make_shared<const Detail>(Detail{"", {std::move(key), std::move(value)}});
  return t;
}

CelType CelType::type() { return type(dyn()); }

CelType CelType::type(CelType of) {
  CelType t(TypeKind::Type);
  t.detail_ = std::make_shared<const Detail>(Detail{"", {std::move(of)}});
  return t;
}

CelType CelType::optional(CelType of) {
  CelType t(TypeKind::Optional);
  t.detail_ = std::make_shared<const Detail>(Detail{"", {std::move(of)}});
  return t;
}

CelType CelType::opaque(std::string name) {
  CelType t(TypeKind::Opaque);
  t.detail_ = std::make_shared<const Detail>(Detail{std::move(name), {}});
  return t;
}

CelType CelType::opaque(std::string name, std::vector<CelType> params) {
  CelType t(TypeKind::Opaque);
  t.detail_ = std::make_shared<const Detail>(Detail{std::move(name), std::move(params)});
  return t;
}

CelType CelType::param(std::string name) {
  CelType t(TypeKind::TypeParam);
  t.detail_ = std::make_shared<const Detail>(Detail{std::move(name), {}});
  return t;
}

const std::string& CelType::name() const { return detail_ ? detail_->name : empty_string(); }
const std::vector<CelType>& CelType::params() const { return detail_ ? detail_->params : no_params(); }

std::string CelType::runtime_name() const {
  switch (kind_) {
    case TypeKind::Dyn: return "dyn";
    case TypeKind::Null: return "null_type";
    case TypeKind::Bool: return "bool";
    case TypeKind::Int: return "int";
    case TypeKind::Uint: return "uint";
    case TypeKind::Double: return "double";
    case TypeKind::String: return "string";
    case TypeKind::Bytes: return "bytes";
    case TypeKind::List: return "list";
    case TypeKind::Map: return "map";
    case TypeKind::Type: return "type";
    case TypeKind::Duration: return "google.protobuf.Duration";
    case TypeKind::Timestamp: return "google.protobuf.Timestamp";
    case TypeKind::Optional: return "optional_type";
    case TypeKind::Opaque: return name();
    case TypeKind::TypeParam: return name();
    case TypeKind::Error: return "*error*";
    case TypeKind::Unspecified: return "";
  }
  return "dyn";
}

std::string CelType::to_string() const {
  switch (kind_) {
    case TypeKind::List: return "list(" + params()[0].to_string() + ")";
    case TypeKind::Map: return "map(" + params()[0].to_string() + ", " + params()[1].to_string() + ")";
    case TypeKind::Type: return params()[0].is_dyn() ? "type" : "type(" + params()[0].to_string() + ")";
    case TypeKind::Optional: return "optional_type(" + params()[0].to_string() + ")";
    case TypeKind::Opaque: {
      if (params().empty()) return name();
      std::string out = name() + "(";
      for (size_t i = 0; i < params().size(); ++i) out += (i ? ", " : "") + params()[i].to_string();
      return out + ")";
    }
    default: return runtime_name();
  }
}

bool operator==(const CelType& a, const CelType& b) {
  if (a.kind_ != b.kind_) return false;
  if (a.detail_ == b.detail_) return true;
  return a.name() == b.name() && a.params() == b.params();
}

}  // namespace tollgate::cel
