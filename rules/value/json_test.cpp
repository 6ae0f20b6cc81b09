#include "rules/value/json.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <nlohmann/json.hpp>
#include <thread>


using namespace tollgate::value;

namespace {

std::string roundtrip(std::string_view text) { return to_json(parse_json_or_throw(text)); }

const char* kAdmissionReview = R"({
  "kind": "AdmissionReview",
  "apiVersion": "admission.k8s.io/v1",
  "request": {
    "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
    "kind": {"group": "", "version": "v1", "kind": "Pod"},
    "resource": {"group": "", "version": "v1", "resource": "pods"},
    "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
    "requestResource": {"group": "", "version": "v1", "resource": "pods"},
    "name": "nginx-7c5ddbdf54-x2q9z",
    "namespace": "production",
    "operation": "CREATE",
    "userInfo": {
      "username": "system:serviceaccount:kube-system:replicaset-controller",
      "uid": "f3a1c2d4-1b2c-4d5e-8f90-123456789abc",
      "groups": ["system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated"]
    },
    "object": {
      "apiVersion": "v1",
      "kind": "Pod",
      "metadata": {
        "name": "nginx-7c5ddbdf54-x2q9z",
        "generateName": "nginx-7c5ddbdf54-",
        "namespace": "production",
        "labels": {"app": "nginx", "pod-template-hash": "7c5ddbdf54", "tier": "frontend"},
        "annotations": {"kubernetes.io/psp": "restricted", "prometheus.io/scrape": "true"},
        "ownerReferences": [{
          "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "nginx-7c5ddbdf54",
          "uid": "8d2f7a4e-0c1b-4a5d-9e6f-abcdef012345", "controller": true, "blockOwnerDeletion": true
        }]
      },
      "spec": {
        "containers": [{
          "name": "nginx",
          "image": "nginx:1.25.3",
          "ports": [{"containerPort": 80, "protocol": "TCP"}],
          "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "250m", "memory": "64Mi"}},
          "securityContext": {"allowPrivilegeEscalation": false, "runAsNonRoot": true, "runAsUser": 1000,
                              "capabilities": {"drop": ["ALL"]}, "readOnlyRootFilesystem": true},
          "terminationMessagePath": "/dev/termination-log",
          "imagePullPolicy": "IfNotPresent"
        }],
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "serviceAccountName": "default",
        "securityContext": {"fsGroup": 2000},
        "priority": 0,
        "enableServiceLinks": true
      },
      "status": {}
    },
    "oldObject": null,
    "dryRun": false,
    "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"}
  }
})";

}  // namespace

TEST_CASE("JSON round trips compactly with sorted keys", "[json]") {
  CHECK(roundtrip(R"({"b": [1, 2.5, "x"], "a": {"z": null, "y": true}})") == R"({"a":{"y":true,"z":null},"b":[1,2.5,"x"]})");
  CHECK(roundtrip("[]") == "[]");
  CHECK(roundtrip("{}") == "{}");
  CHECK(roundtrip(" \"plain\" ") == "\"plain\"");
  CHECK(roundtrip(R"({"a":1,"a":2})") == R"({"a":2})");  // last duplicate wins
}

TEST_CASE("object keys sort byte-wise however they arrive", "[json]") {
  // Shared 8-byte prefixes, a key that is a prefix of another, NUL and
  // non-ASCII bytes, and more fields than the small-object sort handles.
  CHECK(roundtrip(R"({"requestResource":1,"requestKind":2,"request":3,"":4,"a\u0000":5,"a":6,"\u00e9":7,"z":8})") ==
        R"({"":4,"a":6,"a\u0000":5,"request":3,"requestKind":2,"requestResource":1,"z":8,"é":7})");
  std::string many = "{";
  for (int i = 40; i > 0; --i) many += "\"k" + std::to_string(i % 20) + "\":" + std::to_string(i) + (i > 1 ? "," : "}");
  Value v = parse_json_or_throw(many);
  REQUIRE(v.size() == 20);
  CHECK(v.entries().front().first.as_string() == "k0");
  CHECK(v["k7"].as_int() == 7);    // of 27 and 7, the later one
  CHECK(v["k19"].as_int() == 19);  // of 39 and 19
  for (size_t i = 1; i < v.size(); ++i) CHECK(v.entries()[i - 1].first.as_string() < v.entries()[i].first.as_string());
}

TEST_CASE("repeated strings read back correctly across documents", "[json]") {
  // Short strings are shared between documents; long ones and one-off ones
  // must still come back exactly, whatever the sharing.
  std::string long_key(100, 'k');
  for (int i = 0; i < 3000; ++i) {
    std::string id = "id-" + std::to_string(i);
    Value v = parse_json_or_throw(R"({"kind":"Pod","name":")" + id + R"(","labels":{"app":"web",")" + long_key + R"(":")" + id + R"("},"tags":["web","Pod",""]})");
    REQUIRE(v["kind"].as_string() == "Pod");
    REQUIRE(v["name"].as_string() == id);
    REQUIRE(v["labels"]["app"].as_string() == "web");
    REQUIRE(v["labels"][long_key].as_string() == id);
    REQUIRE(to_json(v["tags"]) == R"(["web","Pod",""])");
  }
}

TEST_CASE("empty containers parse as the shared empty values", "[json]") {
  Value v = parse_json_or_throw(R"({"spec":{},"items":[]})");
  CHECK(v["spec"].is_object());
  CHECK(v["spec"].size() == 0);
  CHECK(v["items"].is_array());
  CHECK(v["items"].size() == 0);
  CHECK(to_json(v) == R"({"items":[],"spec":{}})");
}

TEST_CASE("JSON numbers keep their kind and print like Go", "[json]") {
  Value v = parse_json_or_throw(R"([1000000, 1e6, 0.1, -0.0, 3.0, 1e21, 1e-7, 123456789012345678901234567890,
                                    18446744073709551615, -9223372036854775808, 1.5e300])");
  const auto& items = v.items();
  CHECK(items[0].is_int());
  CHECK(items[1].is_double());
  CHECK(items[6].is_double());
  CHECK(items[7].is_bignum());
  CHECK(items[8].is_bignum());
  CHECK(items[9].is_int());
  CHECK(items[9].as_int() == INT64_MIN);
  CHECK(to_json(v) ==
        "[1000000,1000000,0.1,-0,3,1e+21,1e-7,123456789012345678901234567890,18446744073709551615,"
        "-9223372036854775808,1.5e+300]");
}

TEST_CASE("JSON read keeping number text prints 1.0, 2.50 and 1e2 as written", "[json]") {
  Value v;
  JsonError err;
  REQUIRE(parse_json_keeping_number_text(R"({"a": [1.0, 2.50, 1e2, 1, 0.5, 3.14, -0.0], "b": 1e-7})", &v, &err));
  CHECK(to_json(v) == R"({"a":[1.0,2.50,1e2,1,0.5,3.14,-0.0],"b":1e-7})");
  const auto& a = v["a"].items();
  CHECK(a[3].is_int());
  CHECK(a[4].is_double());
  CHECK(a[0] == Value::integer(1));  // still the number one
  CHECK(a[2] == Value::integer(100));
  CHECK_FALSE(parse_json_keeping_number_text("[1.0,", &v, &err));
  CHECK_FALSE(err.message.empty());
}

TEST_CASE("integers beyond 64 bits stay exact text", "[json]") {
  Value v = parse_json_or_throw(R"({"big": -123456789012345678901234567890, "n": 2})");
  CHECK(v["big"].is_bignum());
  CHECK(v["big"].as_string() == "-123456789012345678901234567890");
  CHECK(v["n"].as_int() == 2);
  // Like Go's decoder, a non-integer beyond the double range is an error.
  Value out;
  JsonError err;
  CHECK_FALSE(parse_json(R"({"huge": 1e400})", &out, &err));
  CHECK(err.message.find("number") != std::string::npos);
}

TEST_CASE("JSON strings are escaped as JSON requires", "[json]") {
  std::string out;
  append_json_string("a\"b\\c\nd\te\x01\x1f\r", out);
  CHECK(out == R"("a\"b\\c\nd\te\u0001\u001f\r")");
  CHECK(to_json(Value::string("héllo ✓ <&>")) == "\"héllo ✓ <&>\"");
  CHECK(to_json(Value::string(std::string("nul\0byte", 8))) == R"("nul\u0000byte")");
  CHECK(roundtrip(R"("\u00e9\ud83d\ude00\/")") == "\"é😀/\"");
}

TEST_CASE("other kinds print as their JSON stand-ins", "[json]") {
  CHECK(to_json(Value::set({Value::integer(2), Value::integer(1)})) == "[1,2]");
  CHECK(to_json(Value::bytes("hello")) == "\"aGVsbG8=\"");
  CHECK(to_json(Value::uinteger(UINT64_MAX)) == "18446744073709551615");
  CHECK(to_json(Value::object({{Value::integer(1), Value::string("one")}})) == R"({"1":"one"})");
  CHECK(to_json_pretty(parse_json_or_throw(R"({"a":[1,{"b":null}],"c":{}})")) ==
        "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {}\n}");

}

TEST_CASE("malformed JSON is an error, not a crash", "[json]") {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "\"unterminated", "tru", "{\"a\":1} x", "01", "[1e]",
                          "\"\xff\"", "nan"}) {
    INFO(bad);
    Value v;
    JsonError err;
    CHECK_FALSE(parse_json(bad, &v, &err));
    CHECK_FALSE(err.message.empty());
  }
  JsonError err;
  Value v;
  REQUIRE_FALSE(parse_json(R"({"a": [1, 2, }, "b": 3})", &v, &err));
  CHECK(err.offset == 13);  // the stray }
  CHECK_THROWS_AS(parse_json_or_throw("[1,"), std::runtime_error);
}

TEST_CASE("a realistic AdmissionReview parses into lookups", "[json]") {
  Value review = parse_json_or_throw(kAdmissionReview);
  CHECK(std::string_view(kAdmissionReview).size() > 1500);
  CHECK(review.path({"request", "uid"})->as_string() == "705ab4f5-6393-11e8-b7cc-42010a800002");
  CHECK(review.path({"request", "oldObject"})->is_null());
  const Value* containers = review.path({"request", "object", "spec", "containers"});
  REQUIRE(containers);
  CHECK(containers->at(0)->path({"securityContext", "runAsUser"})->as_int() == 1000);
  CHECK((*containers->at(0))["ports"].at(0)->find("containerPort")->as_int() == 80);
  CHECK(review.path({"request", "userInfo", "groups"})->size() == 3);

  // Our output parses back to the same value, and agrees with nlohmann.
  std::string text = to_json(review);
  CHECK(parse_json_or_throw(text) == review);
  CHECK(nlohmann::json::parse(text) == nlohmann::json::parse(kAdmissionReview));
  CHECK(from_nlohmann(nlohmann::json::parse(kAdmissionReview)) == review);
  CHECK(to_nlohmann(review) == nlohmann::json::parse(kAdmissionReview));
}

TEST_CASE("each thread parses with its own parser", "[json]") {
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &ok] {
      for (int i = 0; i < 200; ++i) {
        std::string text = "{\"t\":" + std::to_string(t) + ",\"i\":" + std::to_string(i) + "}";
        Value v;
        JsonError err;
        if (parse_json(text, &v, &err) && v["t"].as_int() == t && v["i"].as_int() == i) ++ok[static_cast<size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == std::vector<int>(4, 200));
}

TEST_CASE("nlohmann conversions keep kinds", "[json]") {
  nlohmann::json j = nlohmann::json::parse(R"({"u": 18446744073709551615, "i": -3, "d": 0.5, "s": "x", "n": null})");
  Value v = from_nlohmann(j);
  CHECK(v["u"].is_bignum());
  CHECK(v["i"].as_int() == -3);
  CHECK(v["d"].as_double() == 0.5);
  CHECK(to_nlohmann(v) == j);
  CHECK(to_nlohmann(Value::bignum("1e400")).get<double>() == INFINITY);
}
