#pragma once
// The loop the one-layer commands (track, recall) share: one row per arithmetic listed, computed
// by `f(ar)` in point arithmetics; intervals get a row with only its name and applicable = false
// (an enclosure is not a state or an answer: those commands list it and decide nothing by it).
// Row needs the members `precision` (std::string) and `applicable` (bool).
#include <type_traits>
#include <vector>

#include "arith/arithmetic.hpp"
#include "arith/precision.hpp"

namespace freelunch::cli {

template <class Row, class F>
std::vector<Row> rows_per_point_arithmetic(const std::vector<arith::Precision>& precisions, F&& f) {
  std::vector<Row> rows;
  for (const arith::Precision& prec : precisions) {
    rows.push_back(arith::with_arithmetic(prec, [&](const auto& ar) -> Row {
      using A = std::decay_t<decltype(ar)>;
      Row r;
      if constexpr (arith::PointArithmetic<A>) r = f(ar);
      else r.applicable = false;
      r.precision = prec.name;
      return r;
    }));
  }
  return rows;
}

}  // namespace freelunch::cli
