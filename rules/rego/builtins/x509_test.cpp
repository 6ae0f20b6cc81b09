#include <catch2/catch.hpp>

#include "rules/rego/builtins/builtin_test_support.h"
#include "rules/rego/builtins/crypto_test_fixtures.h"
#include "rules/value/base64.h"

namespace tollgate::rego {
namespace {

using namespace testing;
using namespace testing::fixtures;

std::string chain() { return std::string(kRoot) + kLeaf; }

TEST_CASE("crypto.x509.parse_certificates reads PEM chains as Go's x509.Certificate fields", "[builtins]") {
  const Value certs = call("crypto.x509.parse_certificates", {str(chain())});
  REQUIRE(certs.size() == 2);
  const Value& leaf = *certs.at(1);
  CHECK(leaf["Subject"]["CommonName"] == str("leaf.tollgate.test"));
  CHECK(leaf["Issuer"]["Organization"] == json(R"(["Tollgate Test"])"));
  CHECK(leaf["DNSNames"] == json(R"(["leaf.tollgate.test"])"));
  CHECK(leaf["IPAddresses"] == json(R"(["10.0.0.1"])"));
  CHECK(leaf["URIStrings"] == json(R"(["spiffe://tollgate.test/leaf"])"));
  CHECK(leaf["URIs"].at(0)->find("Host")->as_string() == "tollgate.test");
  CHECK(leaf["SerialNumber"] == json("4660"));
  CHECK(leaf["NotBefore"] == str("2026-12-07T09:47:13Z"));
  CHECK(leaf["NotAfter"] == str("2126-11-13T09:47:13Z"));
  CHECK(leaf["ExtKeyUsage"] == json("[1]"));       // x509.ExtKeyUsageServerAuth
  CHECK(leaf["KeyUsage"] == json("1"));            // x509.KeyUsageDigitalSignature
  CHECK(leaf["SignatureAlgorithm"] == json("10"));  // x509.ECDSAWithSHA256
  CHECK(leaf["PublicKeyAlgorithm"] == json("3"));   // x509.ECDSA
  CHECK(leaf["Version"] == json("3"));
  const Value& root = *certs.at(0);
  CHECK(root["IsCA"] == json("true"));
  CHECK(root["BasicConstraintsValid"] == json("true"));
  CHECK(root["MaxPathLen"] == json("-1"));
  CHECK(root["DNSNames"].is_null());
  CHECK(root["URIStrings"].is_null());
}

TEST_CASE("crypto.x509.parse_certificates reads name constraints as Go's Permitted/Excluded fields", "[builtins]") {
  const Value ca = *call("crypto.x509.parse_certificates", {str(kConstrainedCa)}).at(0);
  CHECK(ca["PermittedDNSDomainsCritical"] == json("true"));
  CHECK(ca["PermittedDNSDomains"] == json(R"(["tollgate.test"])"));
  CHECK(ca["PermittedIPRanges"] == json(R"([{"IP": "10.0.0.0", "Mask": "/wAAAA=="}])"));
  CHECK(ca["ExcludedEmailAddresses"] == json(R"(["bad.example"])"));
  CHECK(ca["ExcludedDNSDomains"].is_null());
  const Value leaf = *call("crypto.x509.parse_certificates", {str(kLeaf)}).at(0);
  CHECK(leaf["PermittedDNSDomainsCritical"] == json("false"));
  CHECK(leaf["PermittedIPRanges"].is_null());
}

TEST_CASE("crypto.x509.parse_certificates takes base64 of PEM or DER, and says why it cannot", "[builtins]") {
  const Value from_pem = call("crypto.x509.parse_certificates", {str(value::base64_encode(kLeaf))});
  CHECK(from_pem == call("crypto.x509.parse_certificates", {str(kLeaf)}));
  std::string der;
  REQUIRE(value::base64_decode(from_pem.at(0)->find("Raw")->as_string(), &der));
  CHECK(call("crypto.x509.parse_certificates", {str(value::base64_encode(der))}) == from_pem);
  CHECK(std::string(call_error("crypto.x509.parse_certificates", {str("foobar")}).what()).find("illegal base64") == 0);
  CHECK(std::string(call_error("crypto.x509.parse_certificates", {str("YmFkc3RyaW5n")}).what()) ==
        "x509: malformed certificate");
  CHECK(std::string(call_error("crypto.x509.parse_certificates", {str(kLeafKey)}).what()) ==
        "PEM block type is 'PRIVATE KEY', expected CERTIFICATE");
}

TEST_CASE("crypto.x509.parse_and_verify_certificates checks the chain from the first certificate", "[builtins]") {
  const Value verified = call("crypto.x509.parse_and_verify_certificates", {str(chain())});
  CHECK(*verified.at(0) == json("true"));
  REQUIRE(verified.at(1)->size() == 2);
  CHECK(verified.at(1)->at(0)->find("Subject")->find("CommonName")->as_string() == "leaf.tollgate.test");
  // The leaf is no CA: a chain rooted in it does not verify.
  CHECK(call("crypto.x509.parse_and_verify_certificates", {str(std::string(kLeaf) + kRoot)}) ==
        json("[false, []]"));
  CHECK(call("crypto.x509.parse_and_verify_certificates", {str(kLeaf)}) == json("[false, []]"));
}

TEST_CASE("crypto.x509.parse_and_verify_certificates_with_options applies DNS name, time and key usages",
          "[builtins]") {
  auto verify = [](const char* options) {
    return *call("crypto.x509.parse_and_verify_certificates_with_options", {str(chain()), json(options)}).at(0);
  };
  CHECK(verify(R"({"DNSName": "leaf.tollgate.test"})") == json("true"));
  CHECK(verify(R"({"DNSName": "other.example"})") == json("false"));
  CHECK(verify(R"({"CurrentTime": 1800000000000000000})") == json("true"));
  CHECK(verify(R"({"CurrentTime": 1600000000000000000})") == json("false"));  // before NotBefore
  CHECK(verify(R"({"KeyUsages": ["KeyUsageServerAuth"]})") == json("true"));
  CHECK(verify(R"({"KeyUsages": ["KeyUsageClientAuth"]})") == json("false"));
  CHECK(verify(R"({"KeyUsages": ["KeyUsageClientAuth", "KeyUsageServerAuth"]})") == json("true"));
  CHECK(verify(R"({"KeyUsages": ["KeyUsageAny"]})") == json("true"));
  CHECK(std::string(call_error("crypto.x509.parse_and_verify_certificates_with_options",
                               {str(chain()), json(R"({"Bogus": 1})")})
                        .what()) == "invalid key option");
}

TEST_CASE("crypto.x509.parse_certificate_request reads subject and SANs", "[builtins]") {
  const Value csr = call("crypto.x509.parse_certificate_request", {str(kLeafCsr)});
  CHECK(csr["Subject"]["CommonName"] == str("leaf.tollgate.test"));
  CHECK(csr["DNSNames"] == json(R"(["leaf.tollgate.test"])"));
  CHECK(call("crypto.x509.parse_certificate_request", {str(value::base64_encode(kLeafCsr))}) == csr);
  // Only text starting with a CERTIFICATE REQUEST block is read as PEM; other text must be base64.
  CHECK(std::string(call_error("crypto.x509.parse_certificate_request", {str(kLeaf)}).what()) ==
        "illegal base64 data at input byte 0");
  CHECK(std::string(call_error("crypto.x509.parse_certificate_request", {str(value::base64_encode(kLeaf))}).what()) ==
        "invalid PEM-encoded certificate signing request");
}

TEST_CASE("crypto.x509.parse_keypair pairs a certificate with its private key", "[builtins]") {
  const Value pair = call("crypto.x509.parse_keypair", {str(kLeaf), str(kLeafKey)});
  CHECK(pair["Certificate"].size() == 1);
  CHECK(pair["Leaf"]["Subject"]["CommonName"] == str("leaf.tollgate.test"));
  CHECK(pair["PrivateKey"]["D"].is_number());
  CHECK(std::string(call_error("crypto.x509.parse_keypair", {str(kRoot), str(kLeafKey)}).what()) ==
        "tls: private key does not match public key");
}

TEST_CASE("crypto.parse_private_keys and crypto.x509.parse_rsa_private_key", "[builtins]") {
  const Value keys = call("crypto.parse_private_keys", {str(kLeafKey)});
  REQUIRE(keys.size() == 1);
  CHECK(keys.at(0)->find("Curve")->is_object());
  CHECK(call("crypto.parse_private_keys", {str("nope")}) == json("[]"));
  CHECK(call("crypto.parse_private_keys", {str("")}).is_null());
  // An EC key as a JWK.
  const Value jwk = call("crypto.x509.parse_rsa_private_key", {str(kLeafKey)});
  CHECK(jwk["kty"] == str("EC"));
  CHECK(jwk["crv"] == str("P-256"));
  CHECK(std::string(call_error("crypto.x509.parse_rsa_private_key", {str("")}).what()) == "input PEM data was empty");
}

}  // namespace
}  // namespace tollgate::rego
