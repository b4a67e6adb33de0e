#pragma once
// The rounding semantics of an evaluation: a value printed with every result (STYLE: "Rounding").
//
// dot:     per_operation  every product and every sum is rounded (round(round(a b) + round(c d)))
//          fused          a dot product (including the state update a h + b u) is computed
//                         exactly and rounded once, as an FMA chain with an exact accumulator
// order:   sequential     sums accumulate left to right
//          pairwise       sums accumulate as a balanced binary tree (blocked kernels)
// storage: empty          parameters and inputs live in the compute arithmetic
//          a precision    parameters and inputs are rounded to it first (bf16 storage with fp32
//                         compute, as production Mamba kernels do); the state and the outputs
//                         stay in the compute arithmetic (outputs are reported as computed)
// In exact arithmetic all semantics give the same values; for intervals fused means per-operation
// (an enclosure is already certified).
#include <optional>
#include <string>

#include "arith/precision.hpp"

namespace freelunch::models {

struct RoundingSemantics {
  enum class Dot { per_operation, fused };
  enum class Order { sequential, pairwise };
  Dot dot = Dot::per_operation;
  Order order = Order::sequential;
  std::optional<arith::Precision> storage;  // parsed once, from the name; none: the compute arithmetic

  // "per-op, sequential, storage=compute" or "fused, pairwise, storage=bf16".
  std::string to_string() const {
    return std::string(dot == Dot::fused ? "fused" : "per-op") + ", " +
           (order == Order::pairwise ? "pairwise" : "sequential") + ", storage=" +
           (storage ? storage->name : std::string("compute"));
  }
};

// Parses the forms to_string() prints, each part optional ("fused", "pairwise,storage=bf16").
RoundingSemantics parse_rounding_semantics(const std::string& text);

}  // namespace freelunch::models
