// Whether the tests run in the ASan+UBSan build (-DTOLLGATE_SANITIZE=ON, see
// .ci/sanitize.sh). Its instrumentation makes code several times slower, and
// its allocator aborts where the normal one throws bad_alloc, so the few tests
// that bound a duration scale the bound by kSanitizerTimeScale, and tests of
// out-of-memory handling check kSanitizerBuild. The normal build keeps its
// bounds exactly.
#pragma once

namespace tollgate {

#if defined(TOLLGATE_SANITIZE)
inline constexpr bool kSanitizerBuild = true;
inline constexpr double kSanitizerTimeScale = 5.0;
#else
inline constexpr bool kSanitizerBuild = false;
inline constexpr double kSanitizerTimeScale = 1.0;
#endif

}  // namespace tollgate
