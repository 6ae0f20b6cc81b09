#include "rules/cel/k8s/quantity.h"

#include <catch2/catch.hpp>
#include <cmath>

using tollgate::cel::k8s::Quantity;
using tollgate::cel::k8s::QuantityFormat;

namespace {

Quantity q(const char* text) {
  auto parsed = Quantity::parse(text);
  INFO("parsing " << text);
  REQUIRE(parsed.has_value());
  return *parsed;
}

std::string error_of(const char* text) {
  std::string error;
  auto parsed = Quantity::parse(text, &error);
  INFO("parsing " << text);
  REQUIRE_FALSE(parsed.has_value());
  return error;
}

}  // namespace

TEST_CASE("quantity: rejects malformed text with Kubernetes' messages", "[k8s][quantity]") {
  const std::string format_wrong =
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  CHECK(error_of("") == format_wrong);
  CHECK(error_of("1,3G") == format_wrong);
  CHECK(error_of("10Mo") == format_wrong);
  CHECK(error_of(" 1") == format_wrong);
  CHECK(error_of("1 ") == format_wrong);
  CHECK(error_of("1.1.M") == format_wrong);
  CHECK(error_of("1+1.0M") == format_wrong);
  CHECK(error_of("Three") == format_wrong);
  CHECK(error_of("200K") == "unable to parse quantity's suffix");
  CHECK(error_of("10Mm") == "unable to parse quantity's suffix");
  CHECK(error_of("1i") == "unable to parse quantity's suffix");
  CHECK(error_of(".5i") == "unable to parse quantity's suffix");
  CHECK(error_of("0.1mi") == "unable to parse quantity's suffix");
  CHECK(error_of("-3.01e-") == "unable to parse quantity's suffix");
  CHECK(error_of("1e") == "unable to parse quantity's suffix");
  CHECK(error_of("1e99999999999999999999") == "unable to parse quantity's suffix");
}

TEST_CASE("quantity: accepts what ParseQuantity accepts", "[k8s][quantity]") {
  for (const char* ok : {"20", "20M", "20Mi", "1.3G", "1.3Gi", "10000k", "1.5G", "200k", "+1", "-1", ".5", "1.",
                         "1.G", "1e3", "1E3", "1e+3", "1e-3", "12n", "5u", "100m", "7T", "2P", "3E", "1Ei"}) {
    INFO(ok);
    CHECK(Quantity::parse(ok).has_value());
  }
  // parseQuantityString treats a missing number as zero, so a bare suffix is
  // the zero quantity in Kubernetes (despite the library's doc comment).
  CHECK(q("Mi").is_zero());
}

TEST_CASE("quantity: equality is numeric", "[k8s][quantity]") {
  CHECK(q("1").compare(q("1000m")) == 0);
  CHECK(q("200M").compare(q("0.2G")) == 0);
  CHECK(q("2M").compare(q("0.002G")) == 0);
  CHECK(q("2000k").compare(q("2M")) == 0);
  CHECK(q("1Ki").compare(q("1024")) == 0);
  CHECK(q("200M").compare(q("0.3G")) == -1);
  CHECK(q("50M").compare(q("50Mi")) == -1);
  CHECK(q("50Mi").compare(q("50M")) == 1);
  CHECK(q("-1").compare(q("1m")) == -1);
  CHECK(q("1e1000").compare(q("9999999999999999999999999999999999999G")) == 1);
  CHECK(q("1e-1000").compare(q("1n")) == 0);  // rounded up to the smallest unit
}

TEST_CASE("quantity: canonical string form keeps the format family", "[k8s][quantity]") {
  CHECK(q("1.5").to_string() == "1500m");
  CHECK(q("1000").to_string() == "1k");
  CHECK(q("1024Mi").to_string() == "1Gi");
  CHECK(q("1.5Gi").to_string() == "1536Mi");
  CHECK(q("12Mi").to_string() == "12Mi");
  CHECK(q("0.5Ki").to_string() == "512");        // below 1024 binary values print in decimal
  CHECK(q("1.1Ki").to_string() == "1126400m");   // fractional binary values too
  CHECK(q("1000e0").to_string() == "1e3");
  CHECK(q("1500e0").to_string() == "1500e0");    // already canonical: the text is kept
  CHECK(q("+1").to_string() == "+1");
  CHECK(q("0.1m").to_string() == "100u");
  CHECK(q("-0.0000000001").to_string() == "-1n");
  CHECK(q("9Ei").to_string() == "9223372036854775807");  // binary quantities are capped at 2^63-1
  CHECK(q("0.000000001Ki").to_string() == "1024n");
  CHECK(q("0.0000000001Ki").to_string() == "103n");  // 102.4n rounded up to a whole nano unit
  CHECK(q("9999999999999999999999999999999999999G").to_string() == "9999999999999999999999999999999999999G");
  CHECK(q("0").to_string() == "0");
  CHECK(q("0Mi").to_string() == "0");
  CHECK(q("1e1000000000").to_string() == "10e999999999");
}

TEST_CASE("quantity: integer conversion follows the int64 representation", "[k8s][quantity]") {
  CHECK(q("50k").as_int64() == 50000);
  CHECK(q("50").as_int64() == 50);
  CHECK(q("1Ki").as_int64() == 1024);
  CHECK(q("50000000G").as_int64() == 50000000000000000);
  CHECK_FALSE(q("9999999999999999999999999999999999999G").as_int64().has_value());
  CHECK_FALSE(q("1.5").as_int64().has_value());
  // Kubernetes only converts non-negative scales, so 1000m is not an integer.
  CHECK_FALSE(q("1000m").as_int64().has_value());
  CHECK_FALSE(q("10E").as_int64().has_value());  // 10^19 overflows int64
}

TEST_CASE("quantity: approximate float", "[k8s][quantity]") {
  CHECK(q("50.703k").as_approximate_float() == 50703.0);
  CHECK(q("1.5").as_approximate_float() == 1.5);
  CHECK(q("2Mi").as_approximate_float() == 2097152.0);
  CHECK(std::isinf(q("1e400").as_approximate_float()));
}

TEST_CASE("quantity: add and sub", "[k8s][quantity]") {
  auto sum = q("50k").add(q("20"));
  REQUIRE(sum);
  CHECK(sum->compare(q("50.02k")) == 0);
  CHECK(sum->to_string() == "50020");

  auto plus_int = q("50k").add(Quantity::from_int64(20, QuantityFormat::DecimalExponent));
  REQUIRE(plus_int);
  CHECK(plus_int->compare(q("50020")) == 0);

  auto chain = q("50k")
                   .add(Quantity::from_int64(20, QuantityFormat::DecimalExponent))
                   ->sub(q("100k"))
                   ->sub(Quantity::from_int64(-50000, QuantityFormat::DecimalExponent));
  REQUIRE(chain);
  CHECK(chain->as_int64() == 20);

  auto diff = q("50k").sub(q("20"));
  REQUIRE(diff);
  CHECK(diff->compare(q("49.98k")) == 0);

  // A zero receiver takes the format of the other operand.
  auto from_zero = q("0").add(q("1Gi"));
  REQUIRE(from_zero);
  CHECK(from_zero->to_string() == "1Gi");

  // Overflowing int64 falls back to exact decimals.
  auto big = q("9E").add(q("9E"));
  REQUIRE(big);
  CHECK(big->to_string() == "18E");
  CHECK_FALSE(big->as_int64().has_value());
  CHECK(big->compare(q("18E")) == 0);
}

TEST_CASE("quantity: sign", "[k8s][quantity]") {
  CHECK(q("-5m").sign() == -1);
  CHECK(q("0").sign() == 0);
  CHECK(q("3Gi").sign() == 1);
}
