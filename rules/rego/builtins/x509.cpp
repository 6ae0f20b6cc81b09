// crypto.x509.* and crypto.parse_private_keys (OPA topdown/crypto.go):
// certificates, chains, certificate requests, key pairs and private keys,
// each returned as the JSON Go's encoding/json writes for the crypto/x509
// (and crypto/tls) structure OPA marshals: field names (Go 1.24's struct),
// byte slices as base64, big integers as numbers, enums as Go's integers.
// Not read from certificates (left at Go's zero values): policy
// constraints and policy mappings.
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <string_view>

#include "rules/rego/builtins/builtin.h"
#include "rules/rego/builtins/crypto_keys.h"
#include "rules/rego/builtins/operands.h"
#include "rules/value/base64.h"

namespace tollgate::rego {

namespace {

using Args = std::span<const Value>;
using Result = std::optional<Value>;
using crypto::X509Ptr;
using value::ObjectBuilder;

bool has_prefix(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// base64.decode's Go decoder and error text ("illegal base64 data at input byte N").
std::string go_base64_decode(std::string_view text, BuiltinContext& ctx) {
  const BuiltinInfo* info = BuiltinRegistry::standard().find("base64.decode");
  const Value operand = Value::string(text);
  return info->function(std::span<const Value>(&operand, 1), ctx)->as_string();
}

Value bytes_json(const unsigned char* data, int n) {
  if (data == nullptr || n < 0) return Value::null();
  return Value::string(value::base64_encode(std::string_view(reinterpret_cast<const char*>(data), n)));
}

template <typename T, typename F>
Value der_json(const T* obj, F i2d) {
  unsigned char* der = nullptr;
  const int n = i2d(const_cast<T*>(obj), &der);
  Value v = n > 0 ? bytes_json(der, n) : Value::null();
  OPENSSL_free(der);
  return v;
}

Value strings_or_null(std::vector<std::string> items) {
  if (items.empty()) return Value::null();
  std::vector<Value> out;
  for (auto& s : items) out.push_back(Value::string(std::move(s)));
  return Value::array(std::move(out));
}

std::string oid_text(const ASN1_OBJECT* obj) {
  char buf[256];
  const int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return n > 0 ? std::string(buf, std::min<size_t>(static_cast<size_t>(n), sizeof buf - 1)) : "";
}

// asn1.ObjectIdentifier: an array of integers.
Value oid_json(const ASN1_OBJECT* obj) {
  std::vector<Value> parts;
  const std::string text = oid_text(obj);
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t dot = text.find('.', start);
    parts.push_back(Value::integer(std::stoll(text.substr(start, dot - start))));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return Value::array(std::move(parts));
}

std::string asn1_string_text(const ASN1_STRING* s) {
  unsigned char* utf8 = nullptr;
  const int n = ASN1_STRING_to_UTF8(&utf8, s);
  if (n < 0) return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s));
  std::string out(reinterpret_cast<char*>(utf8), n);
  OPENSSL_free(utf8);
  return out;
}

// pkix.Name.
Value name_json(const X509_NAME* name) {
  std::vector<std::string> country, org, unit, locality, province, street, postal;
  std::string serial, common;
  std::vector<Value> names;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const ASN1_OBJECT* obj = X509_NAME_ENTRY_get_object(e);
    const std::string value = asn1_string_text(X509_NAME_ENTRY_get_data(e));
    names.push_back(Value::object({{Value::string("Type"), oid_json(obj)}, {Value::string("Value"), Value::string(value)}}));
    switch (OBJ_obj2nid(obj)) {
      case NID_countryName: country.push_back(value); break;
      case NID_organizationName: org.push_back(value); break;
      case NID_organizationalUnitName: unit.push_back(value); break;
      case NID_localityName: locality.push_back(value); break;
      case NID_stateOrProvinceName: province.push_back(value); break;
      case NID_streetAddress: street.push_back(value); break;
      case NID_postalCode: postal.push_back(value); break;
      case NID_serialNumber: serial = value; break;
      case NID_commonName: common = value; break;
      default: break;
    }
  }
  ObjectBuilder out;
  out.add("Country", strings_or_null(country));
  out.add("Organization", strings_or_null(org));
  out.add("OrganizationalUnit", strings_or_null(unit));
  out.add("Locality", strings_or_null(locality));
  out.add("Province", strings_or_null(province));
  out.add("StreetAddress", strings_or_null(street));
  out.add("PostalCode", strings_or_null(postal));
  out.add("SerialNumber", Value::string(serial));
  out.add("CommonName", Value::string(common));
  out.add("Names", names.empty() ? Value::null() : Value::array(std::move(names)));
  out.add("ExtraNames", Value::null());
  return out.build();
}

// time.Time as RFC 3339 (UTC).
Value time_json(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return Value::string("0001-01-01T00:00:00Z");
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return Value::string(buf);
}

// x509.SignatureAlgorithm.
int go_signature_algorithm(int nid) {
  switch (nid) {
    case NID_md2WithRSAEncryption: return 1;
    case NID_md5WithRSAEncryption: return 2;
    case NID_sha1WithRSAEncryption: return 3;
    case NID_sha256WithRSAEncryption: return 4;
    case NID_sha384WithRSAEncryption: return 5;
    case NID_sha512WithRSAEncryption: return 6;
    case NID_dsaWithSHA1: return 7;
    case NID_dsa_with_SHA256: return 8;
    case NID_ecdsa_with_SHA1: return 9;
    case NID_ecdsa_with_SHA256: return 10;
    case NID_ecdsa_with_SHA384: return 11;
    case NID_ecdsa_with_SHA512: return 12;
    case NID_ED25519: return 16;
    default: return 0;
  }
}

// RSASSA-PSS: Go tells the hash apart (SHA256WithRSAPSS = 13, 384: 14, 512: 15).
int signature_algorithm_of(const X509_ALGOR* alg) {
  const ASN1_OBJECT* obj = nullptr;
  int ptype = 0;
  const void* pval = nullptr;
  X509_ALGOR_get0(&obj, &ptype, &pval, alg);
  const int nid = OBJ_obj2nid(obj);
  if (nid != NID_rsassaPss) return go_signature_algorithm(nid);
  if (ptype != V_ASN1_SEQUENCE) return 0;
  auto* pss = static_cast<RSA_PSS_PARAMS*>(
      ASN1_item_unpack(static_cast<const ASN1_STRING*>(pval), ASN1_ITEM_rptr(RSA_PSS_PARAMS)));
  if (pss == nullptr) return 0;
  int hash = NID_sha1;
  if (pss->hashAlgorithm) {
    const ASN1_OBJECT* h = nullptr;
    X509_ALGOR_get0(&h, nullptr, nullptr, pss->hashAlgorithm);
    hash = OBJ_obj2nid(h);
  }
  RSA_PSS_PARAMS_free(pss);
  return hash == NID_sha256 ? 13 : hash == NID_sha384 ? 14 : hash == NID_sha512 ? 15 : 0;
}

// x509.PublicKeyAlgorithm.
int go_public_key_algorithm(EVP_PKEY* key) {
  if (key == nullptr) return 0;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return 1;
    case EVP_PKEY_DSA: return 2;
    case EVP_PKEY_EC: return 3;
    case EVP_PKEY_ED25519: return 4;
    default: return 0;
  }
}

// x509.KeyUsage: bit i of the ASN.1 bit string is 1 << i.
int go_key_usage(X509* cert) {
  const uint32_t ku = X509_get_key_usage(cert);
  if (ku == UINT32_MAX) return 0;
  int out = 0;
  for (int i = 0; i < 8; ++i)
    if (ku & (0x80u >> i)) out |= 1 << i;
  if (ku & 0x8000u) out |= 1 << 8;
  return out;
}

// x509.ExtKeyUsage, or -1 for an OID Go does not name.
int go_ext_key_usage(int nid) {
  switch (nid) {
    case NID_anyExtendedKeyUsage: return 0;
    case NID_server_auth: return 1;
    case NID_client_auth: return 2;
    case NID_code_sign: return 3;
    case NID_email_protect: return 4;
    case NID_ipsecEndSystem: return 5;
    case NID_ipsecTunnel: return 6;
    case NID_ipsecUser: return 7;
    case NID_time_stamp: return 8;
    case NID_OCSP_sign: return 9;
    case NID_ms_sgc: return 10;
    case NID_ns_sgc: return 11;
    case NID_ms_code_com: return 12;
    default: return -1;
  }
}

// url.URL for a URI SAN (the fields encoding/json writes).
Value url_json(const std::string& uri) {
  std::string scheme, rest = uri, opaque, host, path, query, fragment;
  if (size_t colon = uri.find(':'); colon != std::string::npos && colon > 0 &&
                                    uri.find_first_of("/?#") > colon) {
    scheme = uri.substr(0, colon);
    rest = uri.substr(colon + 1);
  }
  if (size_t hash = rest.find('#'); hash != std::string::npos) {
    fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  if (size_t q = rest.find('?'); q != std::string::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  if (has_prefix(rest, "//")) {
    size_t slash = rest.find('/', 2);
    host = rest.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
    path = slash == std::string::npos ? "" : rest.substr(slash);
  } else if (!scheme.empty() && !has_prefix(rest, "/")) {
    opaque = rest;
  } else {
    path = rest;
  }
  ObjectBuilder out;
  out.add("Scheme", Value::string(scheme));
  out.add("Opaque", Value::string(opaque));
  out.add("User", Value::null());
  out.add("Host", Value::string(host));
  out.add("Path", Value::string(path));
  out.add("RawPath", Value::string(""));
  out.add("OmitHost", Value::boolean(false));
  out.add("ForceQuery", Value::boolean(false));
  out.add("RawQuery", Value::string(query));
  out.add("Fragment", Value::string(fragment));
  out.add("RawFragment", Value::string(""));
  return out.build();
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  const unsigned char* b = ASN1_STRING_get0_data(ip);
  const int n = ASN1_STRING_length(ip);
  char buf[64];
  if (n == 4) {
    std::snprintf(buf, sizeof buf, "%d.%d.%d.%d", b[0], b[1], b[2], b[3]);
    return buf;
  }
  if (n != 16) return "?";
  // Go's net.IP.String for IPv6: RFC 5952 (longest run of zero groups as ::).
  int groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = b[2 * i] << 8 | b[2 * i + 1];
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len && j - i >= 2) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", groups[i]);
    out += buf;
  }
  return out;
}

struct GeneralNames {
  std::vector<std::string> dns, email, ips, uris;
};

GeneralNames general_names(const GENERAL_NAMES* names) {
  GeneralNames out;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
    switch (gn->type) {
      case GEN_DNS: out.dns.push_back(asn1_string_text(gn->d.dNSName)); break;
      case GEN_EMAIL: out.email.push_back(asn1_string_text(gn->d.rfc822Name)); break;
      case GEN_URI: out.uris.push_back(asn1_string_text(gn->d.uniformResourceIdentifier)); break;
      case GEN_IPADD: out.ips.push_back(ip_text(gn->d.iPAddress)); break;
      default: break;
    }
  }
  return out;
}

Value uris_json(const std::vector<std::string>& uris) {
  if (uris.empty()) return Value::null();
  std::vector<Value> out;
  for (const auto& u : uris) out.push_back(url_json(u));
  return Value::array(std::move(out));
}

Value extensions_json(const STACK_OF(X509_EXTENSION) * exts) {
  if (exts == nullptr || sk_X509_EXTENSION_num(exts) == 0) return Value::null();
  std::vector<Value> out;
  for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts, i);
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
    out.push_back(Value::object({{Value::string("Id"), oid_json(X509_EXTENSION_get_object(ext))},
                                 {Value::string("Critical"), Value::boolean(X509_EXTENSION_get_critical(ext) != 0)},
                                 {Value::string("Value"), bytes_json(ASN1_STRING_get0_data(data), ASN1_STRING_length(data))}}));
  }
  return Value::array(std::move(out));
}

// Name constraints (Go's Permitted*/Excluded* fields; IP ranges as net.IPNet {"IP", "Mask"}).
void add_name_constraints(X509* cert, ObjectBuilder& out) {
  int critical = 0;
  auto* nc = static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_name_constraints, &critical, nullptr));
  struct Lists {
    std::vector<std::string> dns, email, uri;
    std::vector<Value> ips;
  } permitted, excluded;
  auto collect = [](STACK_OF(GENERAL_SUBTREE) * subtrees, Lists& into) {
    for (int i = 0; subtrees && i < sk_GENERAL_SUBTREE_num(subtrees); ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_SUBTREE_value(subtrees, i)->base;
      switch (gn->type) {
        case GEN_DNS: into.dns.push_back(asn1_string_text(gn->d.dNSName)); break;
        case GEN_EMAIL: into.email.push_back(asn1_string_text(gn->d.rfc822Name)); break;
        case GEN_URI: into.uri.push_back(asn1_string_text(gn->d.uniformResourceIdentifier)); break;
        case GEN_IPADD: {
          // address || mask, 4 + 4 or 16 + 16 bytes.
          const unsigned char* b = ASN1_STRING_get0_data(gn->d.iPAddress);
          const int n = ASN1_STRING_length(gn->d.iPAddress);
          if (n != 8 && n != 32) break;
          ASN1_OCTET_STRING* ip = ASN1_OCTET_STRING_new();
          ASN1_OCTET_STRING_set(ip, b, n / 2);
          into.ips.push_back(Value::object({{Value::string("IP"), Value::string(ip_text(ip))},
                                            {Value::string("Mask"), bytes_json(b + n / 2, n / 2)}}));
          ASN1_OCTET_STRING_free(ip);
          break;
        }
        default: break;
      }
    }
  };
  if (nc) {
    collect(nc->permittedSubtrees, permitted);
    collect(nc->excludedSubtrees, excluded);
    NAME_CONSTRAINTS_free(nc);
  }
  auto ips = [](std::vector<Value>& v) { return v.empty() ? Value::null() : Value::array(std::move(v)); };
  out.add("PermittedDNSDomainsCritical", Value::boolean(nc != nullptr && critical == 1));
  out.add("PermittedDNSDomains", strings_or_null(permitted.dns));
  out.add("ExcludedDNSDomains", strings_or_null(excluded.dns));
  out.add("PermittedIPRanges", ips(permitted.ips));
  out.add("ExcludedIPRanges", ips(excluded.ips));
  out.add("PermittedEmailAddresses", strings_or_null(permitted.email));
  out.add("ExcludedEmailAddresses", strings_or_null(excluded.email));
  out.add("PermittedURIDomains", strings_or_null(permitted.uri));
  out.add("ExcludedURIDomains", strings_or_null(excluded.uri));
}

// Go's x509.Certificate; with_uri_strings adds OPA's URIStrings.
Value certificate_json(X509* cert, bool with_uri_strings) {
  ObjectBuilder out;
  out.add("Raw", der_json(cert, i2d_X509));
  out.add("RawTBSCertificate", der_json(cert, i2d_re_X509_tbs));
  out.add("RawSubjectPublicKeyInfo", der_json(X509_get_X509_PUBKEY(cert), i2d_X509_PUBKEY));
  out.add("RawSubject", der_json(X509_get_subject_name(cert), i2d_X509_NAME));
  out.add("RawIssuer", der_json(X509_get_issuer_name(cert), i2d_X509_NAME));
  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* sig_alg = nullptr;
  X509_get0_signature(&sig, &sig_alg, cert);
  out.add("Signature", bytes_json(ASN1_STRING_get0_data(sig), ASN1_STRING_length(sig)));
  EVP_PKEY* pub = X509_get0_pubkey(cert);
  out.add("SignatureAlgorithm", Value::integer(signature_algorithm_of(sig_alg)));
  out.add("PublicKeyAlgorithm", Value::integer(go_public_key_algorithm(pub)));
  out.add("PublicKey", pub ? crypto::go_key_json(pub, false) : Value::null());
  out.add("Version", Value::integer(X509_get_version(cert) + 1));
  {
    BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
    char* dec = BN_bn2dec(bn);
    const std::string text = dec;
    OPENSSL_free(dec);
    BN_free(bn);
    out.add("SerialNumber", text.size() < 18 ? Value::integer(std::stoll(text)) : Value::bignum(text));
  }
  out.add("Issuer", name_json(X509_get_issuer_name(cert)));
  out.add("Subject", name_json(X509_get_subject_name(cert)));
  out.add("NotBefore", time_json(X509_get0_notBefore(cert)));
  out.add("NotAfter", time_json(X509_get0_notAfter(cert)));
  out.add("KeyUsage", Value::integer(go_key_usage(cert)));
  out.add("Extensions", extensions_json(X509_get0_extensions(cert)));
  out.add("ExtraExtensions", Value::null());
  out.add("UnhandledCriticalExtensions", Value::null());

  std::vector<Value> eku, unknown_eku;
  if (auto* usages = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr))) {
    for (int i = 0; i < sk_ASN1_OBJECT_num(usages); ++i) {
      const ASN1_OBJECT* obj = sk_ASN1_OBJECT_value(usages, i);
      const int go = go_ext_key_usage(OBJ_obj2nid(obj));
      if (go >= 0) eku.push_back(Value::integer(go));
      else unknown_eku.push_back(oid_json(obj));
    }
    EXTENDED_KEY_USAGE_free(usages);
  }
  out.add("ExtKeyUsage", eku.empty() ? Value::null() : Value::array(std::move(eku)));
  out.add("UnknownExtKeyUsage", unknown_eku.empty() ? Value::null() : Value::array(std::move(unknown_eku)));

  bool bc_valid = false, is_ca = false, path_zero = false;
  int64_t max_path = 0;
  if (auto* bc = static_cast<BASIC_CONSTRAINTS*>(X509_get_ext_d2i(cert, NID_basic_constraints, nullptr, nullptr))) {
    bc_valid = true;
    is_ca = bc->ca != 0;
    if (bc->pathlen) {
      max_path = ASN1_INTEGER_get(bc->pathlen);
      path_zero = max_path == 0;
    } else {
      max_path = -1;
    }
    BASIC_CONSTRAINTS_free(bc);
  }
  out.add("BasicConstraintsValid", Value::boolean(bc_valid));
  out.add("IsCA", Value::boolean(is_ca));
  out.add("MaxPathLen", Value::integer(max_path));
  out.add("MaxPathLenZero", Value::boolean(path_zero));

  const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(cert);
  out.add("SubjectKeyId", skid ? bytes_json(ASN1_STRING_get0_data(skid), ASN1_STRING_length(skid)) : Value::null());
  const ASN1_OCTET_STRING* akid = X509_get0_authority_key_id(cert);
  out.add("AuthorityKeyId", akid ? bytes_json(ASN1_STRING_get0_data(akid), ASN1_STRING_length(akid)) : Value::null());

  std::vector<std::string> ocsp, issuers;
  if (auto* aia = static_cast<AUTHORITY_INFO_ACCESS*>(X509_get_ext_d2i(cert, NID_info_access, nullptr, nullptr))) {
    for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia); ++i) {
      const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia, i);
      if (ad->location->type != GEN_URI) continue;
      const std::string uri = asn1_string_text(ad->location->d.uniformResourceIdentifier);
      const int nid = OBJ_obj2nid(ad->method);
      if (nid == NID_ad_OCSP) ocsp.push_back(uri);
      else if (nid == NID_ad_ca_issuers) issuers.push_back(uri);
    }
    AUTHORITY_INFO_ACCESS_free(aia);
  }
  out.add("OCSPServer", strings_or_null(ocsp));
  out.add("IssuingCertificateURL", strings_or_null(issuers));

  auto* san = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  GeneralNames names = general_names(san);
  if (san) GENERAL_NAMES_free(san);
  out.add("DNSNames", strings_or_null(names.dns));
  out.add("EmailAddresses", strings_or_null(names.email));
  out.add("IPAddresses", strings_or_null(names.ips));
  out.add("URIs", uris_json(names.uris));

  add_name_constraints(cert, out);

  std::vector<std::string> crl;
  if (auto* dps = static_cast<CRL_DIST_POINTS*>(X509_get_ext_d2i(cert, NID_crl_distribution_points, nullptr, nullptr))) {
    for (int i = 0; i < sk_DIST_POINT_num(dps); ++i) {
      const DIST_POINT* dp = sk_DIST_POINT_value(dps, i);
      if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;
      for (const auto& uri : general_names(dp->distpoint->name.fullname).uris) crl.push_back(uri);
    }
    CRL_DIST_POINTS_free(dps);
  }
  out.add("CRLDistributionPoints", strings_or_null(crl));

  std::vector<Value> policy_ids, policies;
  if (auto* cps = static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(cert, NID_certificate_policies, nullptr, nullptr))) {
    for (int i = 0; i < sk_POLICYINFO_num(cps); ++i) {
      const POLICYINFO* pi = sk_POLICYINFO_value(cps, i);
      policy_ids.push_back(oid_json(pi->policyid));
      policies.push_back(Value::string(oid_text(pi->policyid)));
    }
    CERTIFICATEPOLICIES_free(cps);
  }
  out.add("PolicyIdentifiers", policy_ids.empty() ? Value::null() : Value::array(std::move(policy_ids)));
  out.add("Policies", policies.empty() ? Value::null() : Value::array(std::move(policies)));
  // Go 1.24's policy-constraint fields (zero unless the extensions say otherwise; not read here).
  for (const char* field : {"InhibitAnyPolicy", "InhibitPolicyMapping", "RequireExplicitPolicy"})
    out.add(field, Value::integer(0));
  for (const char* field : {"InhibitAnyPolicyZero", "InhibitPolicyMappingZero", "RequireExplicitPolicyZero"})
    out.add(field, Value::boolean(false));
  out.add("PolicyMappings", Value::null());
  if (with_uri_strings) out.add("URIStrings", strings_or_null(names.uris));
  return out.build();
}

// x509.ParseCertificates over concatenated DER.
std::vector<X509Ptr> parse_der_sequence(std::string_view der) {
  std::vector<X509Ptr> out;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  while (p < end) {
    X509* cert = d2i_X509(nullptr, &p, end - p);
    if (cert == nullptr) throw_builtin_error("x509: malformed certificate");
    out.emplace_back(cert);
  }
  return out;
}

std::vector<X509Ptr> certs_from_pem(std::string_view pem) {
  std::string der;
  std::string_view rest = pem;
  while (!rest.empty()) {
    std::string_view next;
    auto block = crypto::pem_decode(rest, &next);
    if (!block) break;
    if (block->type != "CERTIFICATE")
      throw_builtin_error("PEM block type is '" + block->type + "', expected CERTIFICATE");
    der += block->bytes;
    rest = next;
  }
  return parse_der_sequence(der);
}

// getX509CertsFromString: PEM text, or base64 of PEM or of DER.
std::vector<X509Ptr> certs_from_string(const std::string& input, BuiltinContext& ctx) {
  if (has_prefix(input, "-----BEGIN")) return certs_from_pem(input);
  const std::string decoded = go_base64_decode(input, ctx);
  if (has_prefix(decoded, "-----BEGIN")) return certs_from_pem(decoded);
  return parse_der_sequence(decoded);
}

Value certificates_json(const std::vector<X509Ptr>& certs, bool with_uri_strings) {
  std::vector<Value> out;
  for (const auto& c : certs) out.push_back(certificate_json(c.get(), with_uri_strings));
  return Value::array(std::move(out));
}

Result parse_certificates(Args args, BuiltinContext& ctx) {
  return certificates_json(certs_from_string(string_operand(args, 1), ctx), true);
}

// ---- chain verification --------------------------------------------------------

struct VerifyOptions {
  std::string dns_name;
  std::optional<int64_t> current_time_ns;
  std::vector<int> key_usages;  // Go's ExtKeyUsage values; empty: server auth
};

// Go's checkChainForKeyUsage: walking from the root down, each certificate
// that names extended key usages (and not "any") crosses out the requested
// usages it lacks; the chain fails when none is left.
bool chain_allows_usages(const std::vector<X509*>& chain, std::vector<int> usages) {
  for (int u : usages)
    if (u == 0) return true;  // ExtKeyUsageAny requested
  size_t remaining = usages.size();
  for (size_t i = chain.size(); i-- > 0;) {
    auto* ekus = static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(chain[i], NID_ext_key_usage, nullptr, nullptr));
    if (ekus == nullptr) continue;
    std::vector<int> has;
    bool any = false;
    for (int k = 0; k < sk_ASN1_OBJECT_num(ekus); ++k) {
      const int go = go_ext_key_usage(OBJ_obj2nid(sk_ASN1_OBJECT_value(ekus, k)));
      any = any || go == 0;
      has.push_back(go);
    }
    const bool named = sk_ASN1_OBJECT_num(ekus) > 0;
    EXTENDED_KEY_USAGE_free(ekus);
    if (!named || any) continue;
    for (int& requested : usages) {
      if (requested < 0) continue;
      if (std::find(has.begin(), has.end(), requested) != has.end()) continue;
      requested = -1;
      if (--remaining == 0) return false;
    }
  }
  return true;
}

// Go's leaf.Verify with the first certificate as the root and the ones in
// between as intermediates; the chain leaf first, or nullopt.
std::optional<std::vector<X509*>> verify_chain(const std::vector<X509Ptr>& certs, const VerifyOptions& opts) {
  if (certs.size() < 2) return std::nullopt;
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, certs.front().get());
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  for (size_t i = 1; i + 1 < certs.size(); ++i) sk_X509_push(untrusted, certs[i].get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  std::optional<std::vector<X509*>> chain;
  if (X509_STORE_CTX_init(ctx, store, certs.back().get(), untrusted) == 1) {
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
    // Go trusts whatever is in the root pool, self-signed or not.
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
    if (opts.current_time_ns)
      X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(*opts.current_time_ns / 1000000000));
    if (!opts.dns_name.empty()) X509_VERIFY_PARAM_set1_host(param, opts.dns_name.c_str(), opts.dns_name.size());
    if (X509_verify_cert(ctx) == 1) {
      std::vector<X509*> out;
      STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx);
      for (int i = 0; i < sk_X509_num(built); ++i) out.push_back(sk_X509_value(built, i));
      // Go checks server auth when no key usage is asked for.
      if (chain_allows_usages(out, opts.key_usages.empty() ? std::vector<int>{1} : opts.key_usages))
        chain = std::move(out);
    }
  }
  X509_STORE_CTX_free(ctx);
  sk_X509_free(untrusted);
  X509_STORE_free(store);
  return chain;
}

Value verified_json(const std::vector<X509*>& chain, bool with_uri_strings) {
  std::vector<Value> out;
  for (X509* c : chain) out.push_back(certificate_json(c, with_uri_strings));
  return Value::array({Value::boolean(true), Value::array(std::move(out))});
}

Value not_verified() { return Value::array({Value::boolean(false), Value::empty_array()}); }

Result parse_and_verify_certificates(Args args, BuiltinContext& ctx) {
  const std::string& input = string_operand(args, 1);
  std::vector<X509Ptr> certs;
  try {
    certs = certs_from_string(input, ctx);
  } catch (const BuiltinError&) {
    return not_verified();
  }
  auto chain = verify_chain(certs, {});
  return chain ? verified_json(*chain, true) : not_verified();
}

int key_usage_by_name(std::string_view name) {
  static const std::pair<std::string_view, int> kUsages[] = {
      {"KeyUsageAny", 0},
      {"KeyUsageServerAuth", 1},
      {"KeyUsageClientAuth", 2},
      {"KeyUsageCodeSigning", 3},
      {"KeyUsageEmailProtection", 4},
      {"KeyUsageIPSECEndSystem", 5},
      {"KeyUsageIPSECTunnel", 6},
      {"KeyUsageIPSECUser", 7},
      {"KeyUsageTimeStamping", 8},
      {"KeyUsageOCSPSigning", 9},
      {"KeyUsageMicrosoftServerGatedCrypto", 10},
      {"KeyUsageNetscapeServerGatedCrypto", 11},
      {"KeyUsageMicrosoftCommercialCodeSigning", 12},
      {"KeyUsageMicrosoftKernelCodeSigning", 13},
  };
  for (const auto& [n, v] : kUsages)
    if (n == name) return v;
  return -1;
}

std::string trim_quotes(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && s[b] == '"') ++b;
  while (e > b && s[e - 1] == '"') --e;
  return s.substr(b, e - b);
}

VerifyOptions verify_options(const Value& options) {
  VerifyOptions opts;
  for (const auto& [k, v] : options.entries()) {
    if (!k.is_string()) continue;
    const std::string& key = k.as_string();
    if (key == "DNSName") {
      if (!v.is_string()) throw_builtin_error("'DNSName' should be a string");
      opts.dns_name = trim_quotes(v.as_string());
    } else if (key == "CurrentTime") {
      if (!v.is_number()) throw_builtin_error("'CurrentTime' should be a number");
      int64_t ns = 0;
      if (!integral_int64(v, &ns)) throw_builtin_error("'CurrentTime' should be a valid int64 number");
      opts.current_time_ns = ns;
    } else if (key == "MaxConstraintComparisons") {
      if (!v.is_number()) throw_builtin_error("'MaxConstraintComparisons' should be a number");
      int64_t n = 0;
      if (!integral_int64(v, &n)) throw_builtin_error("'MaxConstraintComparisons' should be a valid number");
    } else if (key == "KeyUsages") {
      if (!v.is_array() && !v.is_set()) throw_builtin_error("'KeyUsages' should be an Array or Set");
      std::vector<std::string> invalid;
      for (const Value& item : v.items()) {
        if (!item.is_string()) continue;
        const std::string name = trim_quotes(item.as_string());
        const int usage = key_usage_by_name(name);
        if (usage >= 0) opts.key_usages.push_back(usage);
        else invalid.push_back(name);
      }
      if (!invalid.empty()) {
        std::string list;
        for (const auto& s : invalid) list += (list.empty() ? "" : " ") + s;
        throw_builtin_error("invalid entries for 'KeyUsages' found: [" + list + "]");
      }
    } else {
      throw_builtin_error("invalid key option");
    }
  }
  return opts;
}

Result parse_and_verify_certificates_with_options(Args args, BuiltinContext& ctx) {
  const std::string& input = string_operand(args, 1);
  const Value& options = object_operand(args, 2);
  std::vector<X509Ptr> certs;
  try {
    certs = certs_from_string(input, ctx);
  } catch (const BuiltinError&) {
    return not_verified();
  }
  const VerifyOptions opts = verify_options(options);
  auto chain = verify_chain(certs, opts);
  return chain ? verified_json(*chain, false) : not_verified();
}

// ---- certificate requests ------------------------------------------------------

Result parse_certificate_request(Args args, BuiltinContext& ctx) {
  const std::string& input = string_operand(args, 1);
  std::string bytes = input;
  if (!has_prefix(input, "-----BEGIN CERTIFICATE REQUEST-----")) bytes = go_base64_decode(input, ctx);
  std::string_view rest;
  if (auto block = crypto::pem_decode(bytes, &rest)) {
    if (block->type != "CERTIFICATE REQUEST") throw_builtin_error("invalid PEM-encoded certificate signing request");
    bytes = block->bytes;
  }
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
  X509_REQ* req = d2i_X509_REQ(nullptr, &p, static_cast<long>(bytes.size()));
  if (req == nullptr) throw_builtin_error("asn1: structure error: malformed certificate request");
  ObjectBuilder out;
  out.add("Raw", der_json(req, i2d_X509_REQ));
  out.add("RawTBSCertificateRequest", der_json(req, i2d_re_X509_REQ_tbs));
  EVP_PKEY* pub = X509_REQ_get0_pubkey(req);
  out.add("RawSubjectPublicKeyInfo", pub ? der_json(pub, i2d_PUBKEY) : Value::null());
  out.add("RawSubject", der_json(X509_REQ_get_subject_name(req), i2d_X509_NAME));
  out.add("Version", Value::integer(X509_REQ_get_version(req)));
  const ASN1_BIT_STRING* sig = nullptr;
  const X509_ALGOR* sig_alg = nullptr;
  X509_REQ_get0_signature(req, &sig, &sig_alg);
  out.add("Signature", bytes_json(ASN1_STRING_get0_data(sig), ASN1_STRING_length(sig)));
  out.add("SignatureAlgorithm", Value::integer(signature_algorithm_of(sig_alg)));
  out.add("PublicKeyAlgorithm", Value::integer(go_public_key_algorithm(pub)));
  out.add("PublicKey", pub ? crypto::go_key_json(pub, false) : Value::null());
  out.add("Subject", name_json(X509_REQ_get_subject_name(req)));
  out.add("Attributes", Value::null());
  STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req);
  out.add("Extensions", extensions_json(exts));
  out.add("ExtraExtensions", Value::null());
  GeneralNames names;
  for (int i = 0; exts && i < sk_X509_EXTENSION_num(exts); ++i) {
    X509_EXTENSION* ext = sk_X509_EXTENSION_value(exts, i);
    if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) != NID_subject_alt_name) continue;
    auto* san = static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(ext));
    names = general_names(san);
    if (san) GENERAL_NAMES_free(san);
  }
  sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  out.add("DNSNames", strings_or_null(names.dns));
  out.add("EmailAddresses", strings_or_null(names.email));
  out.add("IPAddresses", strings_or_null(names.ips));
  out.add("URIs", uris_json(names.uris));
  X509_REQ_free(req);
  return out.build();
}

// ---- private keys ----------------------------------------------------------------

// getPrivateKeysFromPEMData: every RSA, PKCS#8 or EC private key block.
std::vector<crypto::Pkey> private_keys_from_pem(std::string text) {
  std::string decoded;
  if (crypto::std_base64_decode(text, &decoded) && !text.empty()) text = decoded;
  std::vector<crypto::Pkey> keys;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::string_view next;
    auto block = crypto::pem_decode(rest, &next);
    if (!block) break;
    rest = next;
    if (block->type != "RSA PRIVATE KEY" && block->type != "PRIVATE KEY" && block->type != "EC PRIVATE KEY") continue;
    crypto::Pkey key = crypto::parse_private_key_der(block->type, block->bytes);
    if (!key) {
      throw_builtin_error(block->type == "RSA PRIVATE KEY"
                              ? "x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"
                              : "x509: failed to parse private key");
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

Result parse_private_keys(Args args, BuiltinContext&) {
  const std::string& input = string_operand(args, 1);
  if (input.empty()) return Value::null();
  std::vector<Value> out;
  for (const auto& key : private_keys_from_pem(input)) out.push_back(crypto::go_key_json(key.get(), true));
  return out.empty() ? Value::empty_array() : Value::array(std::move(out));
}

Result parse_rsa_private_key(Args args, BuiltinContext& ctx) {
  std::string input = string_operand(args, 1);
  if (input.empty()) throw_builtin_error("input PEM data was empty");
  if (!has_prefix(input, "-----BEGIN")) input = go_base64_decode(input, ctx);
  const auto keys = private_keys_from_pem(input);
  if (keys.empty()) return Value::null();
  return crypto::key_to_jwk(keys.front().get());
}

// ---- key pairs ---------------------------------------------------------------------

Result parse_keypair(Args args, BuiltinContext& ctx) {
  std::string cert_text = string_operand(args, 1);
  std::string key_text = string_operand(args, 2);
  if (!has_prefix(cert_text, "-----BEGIN ")) cert_text = go_base64_decode(cert_text, ctx);
  if (!has_prefix(key_text, "-----BEGIN ")) key_text = go_base64_decode(key_text, ctx);

  std::vector<std::string> ders;
  if (has_prefix(cert_text, "-----BEGIN ")) {
    std::string_view rest = cert_text;
    while (auto block = crypto::pem_decode(rest, &rest))
      if (block->type == "CERTIFICATE") ders.push_back(block->bytes);
    if (ders.empty()) throw_builtin_error("tls: failed to find any PEM data in certificate input");
  } else {
    ders.push_back(cert_text);  // DER
  }
  crypto::Pkey key;
  if (has_prefix(key_text, "-----BEGIN")) {
    std::string_view rest = key_text;
    std::optional<crypto::PemBlock> found;
    while (auto block = crypto::pem_decode(rest, &rest)) {
      if (block->type == "PRIVATE KEY" ||
          (block->type.size() > 12 && block->type.substr(block->type.size() - 12) == " PRIVATE KEY")) {
        found = std::move(block);
        break;
      }
    }
    if (!found) throw_builtin_error("tls: failed to find any PEM data in key input");
    key = crypto::parse_private_key_der(found->type, found->bytes);
    if (!key) key = crypto::parse_private_key_der("PRIVATE KEY", found->bytes);
  } else {
    key = crypto::parse_private_key_der("PRIVATE KEY", key_text);
  }
  if (!key) throw_builtin_error("tls: failed to parse private key");
  X509Ptr leaf = crypto::parse_certificate_der(ders.front());
  if (!leaf) throw_builtin_error("x509: malformed certificate");
  if (X509_check_private_key(leaf.get(), key.get()) != 1)
    throw_builtin_error("tls: private key does not match public key");

  std::vector<Value> certificate;
  for (const auto& der : ders) certificate.push_back(Value::string(value::base64_encode(der)));
  ObjectBuilder out;
  out.add("Certificate", Value::array(std::move(certificate)));
  out.add("PrivateKey", crypto::go_key_json(key.get(), true));
  out.add("SupportedSignatureAlgorithms", Value::null());
  out.add("OCSPStaple", Value::null());
  out.add("SignedCertificateTimestamps", Value::null());
  out.add("Leaf", certificate_json(leaf.get(), false));
  return out.build();
}

}  // namespace

void register_x509_builtins(BuiltinRegistry& r) {
  r.add({.name = "crypto.x509.parse_certificates", .arity = 1, .function = parse_certificates});
  r.add({.name = "crypto.x509.parse_and_verify_certificates", .arity = 1, .function = parse_and_verify_certificates});
  r.add({.name = "crypto.x509.parse_and_verify_certificates_with_options",
         .arity = 2,
         .function = parse_and_verify_certificates_with_options});
  r.add({.name = "crypto.x509.parse_certificate_request", .arity = 1, .function = parse_certificate_request});
  r.add({.name = "crypto.x509.parse_keypair", .arity = 2, .function = parse_keypair});
  r.add({.name = "crypto.x509.parse_rsa_private_key", .arity = 1, .function = parse_rsa_private_key});
  r.add({.name = "crypto.parse_private_keys", .arity = 1, .function = parse_private_keys});
}

}  // namespace tollgate::rego
