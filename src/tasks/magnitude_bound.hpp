#pragma once
// The magnitude bound of T1a (THEORY §2): if every decay on the path is at most a_max < 1 and
// every key and query entry at most β_max in absolute value, exact COPY over distance L needs
// n β_max^2 >= a_max^-L, so
//   L <= L_max = floor(log(n β_max^2) / log(1/a_max)).
// The bound of an arithmetic uses its largest finite value as β_max and the decay as the
// arithmetic STORES it (a rounded to the storage format, then to the arithmetic): bf16 stores
// 1 - 2^-10 as 1, and a stored decay of 1 has no magnitude limit at all.
// Exactness: certified. The quotient is enclosed with MPFR's directed roundings (RNDD for the
// lower end, RNDU for the upper) at 64 bits and more, until both ends have the same floor; the
// printed integer is then certain. (A binary64 evaluation gave 2048 for fp64 at a = 1/2: log2 of
// (2 - 2^-52) 2^1023 rounds to 1024 in double, while the true floor is 2047.)
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "arith/precision.hpp"
#include "arith/rational.hpp"
#include "models/rounding_semantics.hpp"

namespace freelunch::tasks {

struct MagnitudeBound {
  Rational nominal_decay;     // a as given
  Rational stored_decay;      // a as the arithmetic holds it (interval arithmetics: a itself)
  std::optional<long> bound;  // L_max; none when the stored decay is >= 1 (no magnitude limit)
  std::optional<long> nominal_bound;  // L_max from the nominal decay (equal to bound when unchanged)
  bool certain = true;        // false only if the enclosure still straddled an integer at 4096 bits

  bool decay_changed() const { return stored_decay != nominal_decay; }
  // "2047"; where rounding the decay moved the bound: "1656; nominal 1684", or
  // "none; a stored as 1; nominal 181607"; "uncertain" if not decided.
  std::string describe() const;
  // {"bound": L_max or null, "bound_text": describe(), "stored_decay", "nominal_bound"}: the
  // keys tables and figures read.
  nlohmann::json to_json() const;
};

// The bound of arithmetic p for n state entries and decay a in (0, 1); none for `exact`
// (unbounded values: no magnitude limit).
std::optional<MagnitudeBound> magnitude_bound(const arith::Precision& p, long n, const Rational& a, const models::RoundingSemantics& sem);

// floor(log2(n β^2) / log2(1/a)) given an enclosure [lo, hi] of log2 β, certified as above;
// none when the floor is not decided at 4096 bits. Requires 0 < a < 1, n >= 1. The building block
// of magnitude_bound, public for tests.
std::optional<long> certified_bound(const Rational& log2_beta_lo, const Rational& log2_beta_hi, long n, const Rational& a);

}  // namespace freelunch::tasks
