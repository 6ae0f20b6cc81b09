#include "policies/mutation/image_reference.h"

#include <re2/re2.h>

namespace tollgate::policies::mutation {

namespace {

// Gatekeeper's patterns (Go regexp, where \w is [0-9A-Za-z_]).
const re2::RE2& domain_pattern() {
  static const re2::RE2 re(R"((^\w[\w\-_]*\.[\w\-_\.]*[\w](:\d+)?$)|(^localhost(:\d+)?$))");
  return re;
}
// Path components start with an alphanumeric character and are separated by
// one period, one or two underscores, a slash or dashes. Gatekeeper checks
// that the leftmost match is the whole text; RE2 has Go's leftmost-first
// semantics, so the captured prefix is compared.
const re2::RE2& path_pattern() {
  static const re2::RE2 re(R"(^([a-z0-9]+(?:(?:(?:[._/]|__|[-]*)[a-z0-9]+)+)?))");
  return re;
}
const re2::RE2& tag_pattern() {
  static const re2::RE2 re(
      R"((^:[\w][\w.-]{0,127}$)|(^@[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}$))");
  return re;
}

void split_domain(std::string_view name, std::string_view* domain, std::string_view* rest) {
  size_t slash = name.find('/');
  if (slash == std::string_view::npos) {
    *domain = {};
    *rest = name;
    return;
  }
  std::string_view head = name.substr(0, slash);
  if (head.find_first_of(".:") == std::string_view::npos && head != "localhost") {
    *domain = {};
    *rest = name;
    return;
  }
  *domain = head;
  *rest = name.substr(slash + 1);
}

void split_tag(std::string_view rest, std::string_view* path, std::string_view* tag) {
  size_t sep = rest.find_first_of(":@");
  if (sep == std::string_view::npos) {
    *path = rest;
    *tag = {};
    return;
  }
  *path = rest.substr(0, sep);
  *tag = rest.substr(sep);
}

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

ImageReference ImageReference::parse(std::string_view reference) {
  std::string_view domain, rest, path, tag;
  split_domain(reference, &domain, &rest);
  split_tag(rest, &path, &tag);
  return {std::string(domain), std::string(path), std::string(tag)};
}

std::string ImageReference::to_string() const {
  std::string out = domain;
  if (!out.empty()) out.push_back('/');
  out += path;
  out += tag;
  return out;
}

std::string assign_image(std::string_view reference, std::string_view domain, std::string_view path,
                         std::string_view tag) {
  ImageReference ref = ImageReference::parse(reference);
  if (!domain.empty()) ref.domain = std::string(domain);
  if (!path.empty()) ref.path = std::string(path);
  if (!tag.empty()) ref.tag = std::string(tag);
  return ref.to_string();
}

std::string validate_image_parts(std::string_view domain, std::string_view path, std::string_view tag) {
  if (domain.empty() && path.empty() && tag.empty()) {
    return "at least one of [assignDomain, assignPath, assignTag] must be set";
  }
  if (!domain.empty()) {
    std::string_view d, rest;
    std::string with_slash = std::string(domain) + "/";
    split_domain(with_slash, &d, &rest);
    if (!re2::RE2::PartialMatch(domain, domain_pattern()) || d != domain || !rest.empty()) {
      return "assignDomain " + quoted(domain) + " must be a fully-qualified domain name or localhost";
    }
  }
  if (!path.empty()) {
    re2::StringPiece matched;
    if (!re2::RE2::PartialMatch(path, path_pattern(), &matched) || matched.size() != path.size()) {
      return "assignPath " + quoted(path) + " must be a valid docker image path";
    }
  }
  if (!tag.empty()) {
    std::string_view p, t;
    split_tag(tag, &p, &t);
    if (!re2::RE2::PartialMatch(tag, tag_pattern()) || t != tag || !p.empty()) {
      return "assignTag " + quoted(tag) + " must be a valid docker image tag or digest starting with ':' or '@'";
    }
  }
  // A path that looks domain-prefixed would move into the domain on the
  // next pass ("gcr.io/repo" -> "gcr.io/gcr.io/repo" ...).
  if (domain.empty()) {
    std::string_view d, rest;
    split_domain(path, &d, &rest);
    if (!d.empty()) {
      return "assignDomain must be set if the first part of assignPath " + quoted(path) +
             " can be interpretted as part of a domain";
    }
  }
  return "";
}

}  // namespace tollgate::policies::mutation
