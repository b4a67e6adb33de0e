#include "core/time_cap.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>
#include <type_traits>
#include <variant>

#include "arith/errors.hpp"

namespace freelunch {

double parse_duration(const std::string& text) {
  const std::string valid = "expected a duration such as 90, 90s, 10m, 10min or 2h";
  double value = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  const auto [stop, ec] = std::from_chars(begin, end, value, std::chars_format::fixed);
  if (ec != std::errc() || stop == begin || !std::isfinite(value)) throw UsageError("time '" + text + "': " + valid);
  const std::string unit(stop, end);
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  else if (unit == "m" || unit == "min") scale = 60;
  else if (unit == "h") scale = 3600;
  else throw UsageError("time '" + text + "': " + valid);
  if (!(value > 0)) throw UsageError("time '" + text + "' must be positive");
  if (value * scale > kLargestTimeCap) throw UsageError("time '" + text + "' is above the largest cap, 1000 h");
  return value * scale;
}

std::string format_duration(double seconds) {
  char buffer[64];
  if (seconds < 100) std::snprintf(buffer, sizeof buffer, "%.2g s", seconds);
  else if (seconds < 6000) std::snprintf(buffer, sizeof buffer, "%.2g min", seconds / 60);
  else std::snprintf(buffer, sizeof buffer, "%.3g h", seconds / 3600);
  return buffer;
}

// Calibrated on one x86-64 core with GMP 6.2 (docs/conventions.md, "Time caps"):
//  - balanced: mpz_mul of two random b-bit integers takes 1.3e-7 s at b = 1000, 3.4e-3 s at 10^6,
//    0.06 s at 10^7, i.e. 1.3e-11 to 2.6e-10 s per bit x log2(bits) over that range; mpq_mul
//    with its gcds costs 20 to 40 times that on random rationals (kGcdFactor), and about 15
//    times on the exact scan of tests/io/fixtures/too_large.json (powers of 10^-999999);
//  - unbalanced: mpq_mul and mpq_add of a b-bit rational with a k-word one take 0.4e-10 to
//    1.5e-10 s per bit of the larger per word of the smaller.
double exact_op_seconds(double bits, double other_bits, bool rational) {
  const double big = std::max({bits, other_bits, 64.0}), small = std::max(std::min(bits, other_bits), 64.0);
  const double per_bit_log = big < 1e4 ? 2e-11 : big < 1e6 ? 1e-10 : 2.5e-10;
  const double balanced = (rational ? kGcdFactor : 1.0) * per_bit_log * big * std::log2(big);
  const double unbalanced = 1e-10 * big * std::ceil(small / 64);
  return 5e-8 + std::min(balanced, unbalanced);
}

double value_op_seconds(const arith::Precision& p) {
  return std::visit(
      [](const auto& spec) -> double {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, arith::ExactSpec>) return exact_op_seconds(64);
        else if constexpr (std::is_same_v<S, arith::MpfrSpec>) return 1e-7 + exact_op_seconds(static_cast<double>(spec.precision));
        else if constexpr (std::is_same_v<S, arith::IntervalSpec>) return 2.5 * (1e-7 + exact_op_seconds(static_cast<double>(spec.precision)));
        else if constexpr (std::is_same_v<S, arith::FloatSpec>) return spec.mpfr_path ? 1e-7 + exact_op_seconds(spec.format.precision()) : 1.5e-8;
        else return 1e-8;
      },
      p.spec);
}

std::string TimeCap::text() const { return format_duration(seconds) + (given ? " (--max-time)" : " (the default; --max-time)"); }

TimeCap time_cap_from(const std::string& option_text) {
  if (option_text.empty()) return {};
  return {parse_duration(option_text), true};
}

void refuse_if_over(const TimeEstimate& need, const TimeCap& cap, const std::string& doing, const std::string& advice) {
  if (need.seconds <= cap.seconds) return;
  throw UsageError(doing + " needs about " + format_duration(need.seconds) + " (" + need.what + "), above the time cap " + cap.text() + "; " + advice +
                   ", or raise the cap with --max-time");
}

}  // namespace freelunch
