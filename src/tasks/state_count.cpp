#include "tasks/state_count.hpp"

#include <cmath>
#include <variant>

namespace freelunch::tasks {

std::optional<std::vector<long>> decode_digits(const Rational& state, long alphabet, std::size_t length) {
  if (length == 0) return state == 0 ? std::optional<std::vector<long>>(std::vector<long>{}) : std::nullopt;
  const Rational scaled = state * pow(Rational(alphabet), static_cast<unsigned long>(length - 1));
  if (boost::multiprecision::denominator(scaled) != 1) return std::nullopt;
  Integer x = boost::multiprecision::numerator(scaled);
  if (x < 0) return std::nullopt;
  std::vector<long> digits(length);
  const Integer base = alphabet;
  for (std::size_t k = 0; k < length; ++k) {  // u_1 is the least significant digit
    digits[k] = static_cast<long>(Integer(x % base));
    x /= base;
  }
  if (x != 0) return std::nullopt;
  return digits;
}

Rational exact_digit_state(const std::vector<long>& tokens, long alphabet) {
  const Rational a(1, alphabet);
  Rational h = 0;
  for (long u : tokens) h = a * h + Rational(u);
  return h;
}

std::optional<double> log2_value_count(const arith::Precision& p) {
  return std::visit(
      [](const auto& spec) -> std::optional<double> {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, arith::FloatSpec>) {
          const arith::FpFormat& f = spec.format;
          // Finite patterns per sign: IEEE loses the top exponent field (2^M patterns), FN only
          // the all-ones NaN. Both signs, minus one for the two zeros.
          const double per_sign = std::ldexp(1.0, f.exp_bits + f.man_bits) - (f.has_infinity ? std::ldexp(1.0, f.man_bits) : 1.0);
          return std::log2(2 * per_sign - 1);
        } else if constexpr (std::is_same_v<S, arith::FixedSpec>) {
          return static_cast<double>(spec.format.int_bits + spec.format.frac_bits);  // every raw word
        } else {
          return std::nullopt;
        }
      },
      p.spec);
}

}  // namespace freelunch::tasks
