#pragma once
// The one least-squares fit of the project: the line y = a + b x through points (x, y), computed
// exactly in rationals (a double input is read as its exact binary value), so that a fitted slope
// is a reproducible number, not a rounding of one. Used for the growth exponents (P* against
// log2 L, cost against T on log-log axes) and for the lines drawn in figures.
#include <optional>
#include <utility>
#include <vector>

#include "arith/rational.hpp"

namespace freelunch {

struct LineFit {
  Rational intercept;  // a
  Rational slope;      // b
};

// The least-squares line; none with fewer than two distinct x.
std::optional<LineFit> least_squares_line(const std::vector<std::pair<Rational, Rational>>& points);

// The same from doubles (each read exactly); the slope, or none.
std::optional<Rational> least_squares_slope(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace freelunch
