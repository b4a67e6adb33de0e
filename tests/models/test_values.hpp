#pragma once
// Conversions and printing shared by the model tests: values of any point arithmetic to exact
// rationals and back, and one-line renderings of instances for BOOST_TEST_CONTEXT.
#include <sstream>
#include <string>
#include <vector>

#include "arith/rational.hpp"
#include "linalg/matrix.hpp"

namespace freelunch::testing {

template <class A>
std::vector<Rational> to_rationals(const A& ar, const std::vector<typename A::value_type>& xs) {
  std::vector<Rational> out;
  for (const auto& x : xs) out.push_back(ar.to_rational(x));
  return out;
}

template <class A>
std::vector<typename A::value_type> from_rationals(const A& ar, const std::vector<Rational>& xs) {
  std::vector<typename A::value_type> out;
  for (const Rational& q : xs) out.push_back(ar.from_rational(q));
  return out;
}

template <class A>
linalg::Matrix<Rational> to_rational_matrix(const A& ar, const linalg::Matrix<typename A::value_type>& m) {
  return m.map([&](const typename A::value_type& x) { return ar.to_rational(x); });
}

template <class A>
linalg::Matrix<typename A::value_type> from_rational_matrix(const A& ar, const linalg::Matrix<Rational>& m) {
  return m.map([&](const Rational& q) { return ar.from_rational(q); });
}

inline std::string show(const std::vector<Rational>& v) {
  std::ostringstream out;
  out << "[";
  for (std::size_t i = 0; i < v.size(); ++i) out << (i ? " " : "") << to_string(v[i]);
  return out.str() + "]";
}

inline std::string show(const linalg::Matrix<Rational>& m) {
  std::ostringstream out;
  out << "[";
  for (std::size_t i = 0; i < m.rows(); ++i) {
    out << (i ? "; " : "");
    for (std::size_t j = 0; j < m.cols(); ++j) out << (j ? " " : "") << to_string(m(i, j));
  }
  return out.str() + "]";
}

}  // namespace freelunch::testing
