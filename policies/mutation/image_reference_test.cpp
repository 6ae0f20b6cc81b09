#include "policies/mutation/image_reference.h"

#include <catch2/catch.hpp>

using namespace tollgate::policies::mutation;

TEST_CASE("image: references split into domain, path and tag", "[mutation]") {
  struct Case {
    const char* ref;
    const char* domain;
    const char* path;
    const char* tag;
  };
  for (const Case& c : {Case{"nginx", "", "nginx", ""}, Case{"nginx:1.25", "", "nginx", ":1.25"},
                        Case{"library/nginx", "", "library/nginx", ""},
                        Case{"docker.io/library/nginx:latest", "docker.io", "library/nginx", ":latest"},
                        Case{"localhost/app", "localhost", "app", ""},
                        Case{"localhost:5000/app@sha256:abc", "localhost:5000", "app", "@sha256:abc"},
                        Case{"my-registry:5000/team/app:v1", "my-registry:5000", "team/app", ":v1"},
                        Case{"a/b:c@d", "", "a/b", ":c@d"}, Case{"", "", "", ""}}) {
    ImageReference r = ImageReference::parse(c.ref);
    INFO(c.ref);
    CHECK(r.domain == c.domain);
    CHECK(r.path == c.path);
    CHECK(r.tag == c.tag);
    CHECK(r.to_string() == c.ref);
  }
}

TEST_CASE("image: assigned parts replace, the others stay", "[mutation]") {
  CHECK(assign_image("nginx", "my.registry.io", "", "") == "my.registry.io/nginx");
  CHECK(assign_image("docker.io/library/nginx:1.25", "my.registry.io", "", "") == "my.registry.io/library/nginx:1.25");
  CHECK(assign_image("nginx:1.25", "", "", ":latest") == "nginx:latest");
  CHECK(assign_image("nginx@sha256:0123", "", "", ":v2") == "nginx:v2");
  CHECK(assign_image("gcr.io/app:v1", "", "team/app", "") == "gcr.io/team/app:v1");
  CHECK(assign_image("", "reg.io", "app", ":v1") == "reg.io/app:v1");
  CHECK(assign_image("", "", "", ":v1") == ":v1");
}

TEST_CASE("image: parameters are validated so the mutation converges", "[mutation]") {
  CHECK(validate_image_parts("", "", "") == "at least one of [assignDomain, assignPath, assignTag] must be set");
  CHECK(validate_image_parts("my.registry.io", "", "").empty());
  CHECK(validate_image_parts("localhost", "", "").empty());
  CHECK(validate_image_parts("localhost:5000", "", "").empty());
  CHECK(validate_image_parts("registry.io:443", "", "").empty());
  CHECK(validate_image_parts("registry", "", "") ==
        "assignDomain \"registry\" must be a fully-qualified domain name or localhost");
  CHECK_FALSE(validate_image_parts("reg.io/x", "", "").empty());
  CHECK_FALSE(validate_image_parts("reg.io:abc", "", "").empty());
  CHECK_FALSE(validate_image_parts(".reg.io", "", "").empty());

  CHECK(validate_image_parts("", "library/nginx", "").empty());
  CHECK(validate_image_parts("", "a__b", "").empty());
  CHECK(validate_image_parts("", "a--b.c_d", "").empty());
  CHECK(validate_image_parts("", "Nginx", "") == "assignPath \"Nginx\" must be a valid docker image path");
  CHECK_FALSE(validate_image_parts("", "nginx:latest", "").empty());
  CHECK_FALSE(validate_image_parts("", "a_-b", "").empty());
  CHECK_FALSE(validate_image_parts("", "a/", "").empty());
  CHECK(validate_image_parts("", "gcr.io/repo", "") ==
        "assignDomain must be set if the first part of assignPath \"gcr.io/repo\" can be interpretted as part of a "
        "domain");
  CHECK(validate_image_parts("gcr.io", "gcr.io/repo", "").empty());

  CHECK(validate_image_parts("", "", ":v1.2-rc_3").empty());
  CHECK(validate_image_parts("", "", "@sha256:0123456789abcdef0123456789abcdef").empty());
  CHECK(validate_image_parts("", "", "v1") ==
        "assignTag \"v1\" must be a valid docker image tag or digest starting with ':' or '@'");
  CHECK_FALSE(validate_image_parts("", "", ":").empty());
  CHECK_FALSE(validate_image_parts("", "", ":-x").empty());
  CHECK_FALSE(validate_image_parts("", "", "@sha256:abc").empty());
  CHECK_FALSE(validate_image_parts("", "", ":" + std::string(129, 'a')).empty());
  CHECK(validate_image_parts("", "", ":" + std::string(128, 'a')).empty());
}
