#include "core/least_squares.hpp"

#include "arith/errors.hpp"

namespace freelunch {

std::optional<LineFit> least_squares_line(const std::vector<std::pair<Rational, Rational>>& points) {
  const Rational n(static_cast<unsigned long>(points.size()));
  Rational sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [x, y] : points) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const Rational denominator = n * sxx - sx * sx;
  if (denominator == 0) return std::nullopt;
  const Rational slope = (n * sxy - sx * sy) / denominator;
  return LineFit{(sy - slope * sx) / n, slope};
}

std::optional<Rational> least_squares_slope(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size()) throw UsageError("least squares: " + std::to_string(x.size()) + " x values for " + std::to_string(y.size()) + " y values");
  std::vector<std::pair<Rational, Rational>> points;
  for (std::size_t i = 0; i < x.size(); ++i) points.emplace_back(Rational(x[i]), Rational(y[i]));
  const auto fit = least_squares_line(points);
  if (!fit) return std::nullopt;
  return fit->slope;
}

}  // namespace freelunch
