#pragma once
// Run-time names of the arithmetics ("precision levels") and the one place where a name becomes a
// template instantiation (STYLE: "Generic code over number types").
//
//   exact          rationals, dyadic fast path when every value is dyadic (exact.hpp)
//   mpfrP          MPFR, P significand bits, wide exponent range (2 <= P <= 65536)
//   intervalP      MPFI enclosures with P-bit endpoints (2 <= P <= 65536)
//   fp64 fp32 bf16 fp16 e5m2 e4m3     bit-exact emulations (e4m3 is OCP E4M3FN)
//   fE.M           IEEE-style, E exponent bits (2..30), M stored significand bits (1..200)
//   fixI.F         fixed point (fixed_point.hpp)
//   NAME:mpfr      a float format on its MPFR path instead of the binary64 fast path
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "arith/errors.hpp"
#include "arith/exact.hpp"
#include "arith/fixed_point.hpp"
#include "arith/fp_format.hpp"
#include "arith/interval.hpp"
#include "arith/mpfr_arith.hpp"
#include "arith/soft_float.hpp"

namespace freelunch::arith {

struct ExactSpec {};
struct MpfrSpec { long precision; };
struct IntervalSpec { long precision; };
struct FloatSpec { FpFormat format; bool mpfr_path; };
struct FixedSpec { FixedFormat format; };

struct Precision {
  std::string name;  // canonical name, as parsed
  std::variant<ExactSpec, MpfrSpec, IntervalSpec, FloatSpec, FixedSpec> spec;
};

// Parses one name; UsageError listing the valid forms otherwise.
Precision parse_precision(const std::string& name);
// Parses "a,b,c" (no empty items, no duplicates).
std::vector<Precision> parse_precision_list(const std::string& names);
// The named formats, for `freelunch precisions`.
std::vector<Precision> named_precisions();
// One line listing every valid form, used in error messages.
std::string precision_forms();

// Calls f(ar) with the arithmetic context the precision names and returns its result. For `exact`
// f runs on DyadicArith and, if a value is not dyadic, again on RationalArith (run_exact).
template <class F>
auto with_arithmetic(const Precision& p, F&& f) {
  return std::visit(
      [&](const auto& spec) {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, ExactSpec>) {
          return run_exact(f);
        } else if constexpr (std::is_same_v<S, MpfrSpec>) {
          const MpfrArith ar(spec.precision);
          return f(ar);
        } else if constexpr (std::is_same_v<S, IntervalSpec>) {
          const IntervalArith ar(spec.precision);
          return f(ar);
        } else if constexpr (std::is_same_v<S, FloatSpec>) {
          if (spec.mpfr_path) {
            const MpfrArith ar(spec.format);
            return f(ar);
          }
          const SoftFloatArith ar(spec.format);
          return f(ar);
        } else {
          const FixedArith ar(spec.format);
          return f(ar);
        }
      },
      p.spec);
}

}  // namespace freelunch::arith
