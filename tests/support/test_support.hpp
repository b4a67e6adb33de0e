#pragma once
// Shared by every test file (include it once per executable, after defining BOOST_TEST_MODULE):
//  - a global fixture that fails the run if any test leaves MPFR's exponent range changed
//    (MPFR's tests/tests.c end-of-tests check);
//  - the seed (FREELUNCH_SEED, default 1) and the iteration multiplier
//    (FREELUNCH_TEST_MULTIPLIER, default 1) of the random tests.
#include <mpfr.h>

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "arith/mpfr_guard.hpp"

namespace freelunch::testing {

inline std::uint64_t seed() {
  const char* s = std::getenv("FREELUNCH_SEED");
  return s ? std::strtoull(s, nullptr, 10) : 1;
}

inline std::uint64_t iterations(std::uint64_t base) {
  const char* s = std::getenv("FREELUNCH_TEST_MULTIPLIER");
  const double m = s ? std::strtod(s, nullptr) : 1.0;
  return static_cast<std::uint64_t>(static_cast<double>(base) * (m > 0 ? m : 1.0));
}

struct MpfrStateCheck {
  MpfrStateCheck() = default;
  ~MpfrStateCheck() {
    if (!arith::mpfr_range_is_default()) {
      std::fprintf(stderr, "a test left MPFR's exponent range changed: [%ld, %ld]\n", static_cast<long>(mpfr_get_emin()),
                   static_cast<long>(mpfr_get_emax()));
      std::abort();
    }
  }
};

}  // namespace freelunch::testing

using FreelunchMpfrStateCheck = freelunch::testing::MpfrStateCheck;
BOOST_TEST_GLOBAL_FIXTURE(FreelunchMpfrStateCheck);
