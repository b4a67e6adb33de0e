#include "tasks/magnitude_bound.hpp"

#include <mpfr.h>

#include <cmath>

namespace freelunch::tasks {
namespace {

double log2_of(const Rational& q) {
  mpfr_t x;
  mpfr_init2(x, 64);
  mpfr_set_q(x, q.backend().data(), MPFR_RNDN);
  mpfr_log2(x, x, MPFR_RNDN);
  const double out = mpfr_get_d(x, MPFR_RNDN);
  mpfr_clear(x);
  return out;
}

}  // namespace

std::optional<double> log2_largest_finite(const arith::Precision& p) {
  return std::visit(
      [](const auto& spec) -> std::optional<double> {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, arith::ExactSpec>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<S, arith::MpfrSpec> || std::is_same_v<S, arith::IntervalSpec>) {
          return static_cast<double>(MPFR_EMAX_DEFAULT);  // (1 - 2^-P) 2^emax, log2 within 2^-P of emax
        } else if constexpr (std::is_same_v<S, arith::FloatSpec>) {
          return log2_of(spec.format.max_finite());
        } else {
          return log2_of(spec.format.max_value());
        }
      },
      p.spec);
}

long magnitude_bound(double log2_beta, long n, const Rational& a) {
  const double numerator = std::log2(static_cast<double>(n)) + 2 * log2_beta;
  return static_cast<long>(std::floor(numerator / -log2_of(a)));
}

bool magnitude_inequality_holds(const Rational& beta, long n, const Rational& a, long length) {
  return Rational(n) * beta * beta * pow(a, static_cast<unsigned long>(length)) >= 1;
}

}  // namespace freelunch::tasks
