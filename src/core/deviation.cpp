#include "core/deviation.hpp"

#include <mpfr.h>

#include <cstdio>

namespace freelunch {

std::string short_decimal(const Rational& q) {
  if (q == 0) return "0";
  mpfr_t x;
  mpfr_init2(x, 64);
  mpfr_set_q(x, q.backend().data(), MPFR_RNDU);
  char buffer[64];
  mpfr_snprintf(buffer, sizeof buffer, "%.3RUg", x);
  mpfr_clear(x);
  return buffer;
}

std::string Deviation::describe() const {
  if (first_nonfinite) return "non-finite at t=" + std::to_string(*first_nonfinite + 1);
  if (max_abs == 0) return "0";
  return short_decimal(max_abs) + " at t=" + std::to_string(argmax + 1);
}

}  // namespace freelunch
