#include "tasks/copy_witness.hpp"

#include "arith/errors.hpp"

namespace freelunch::tasks {

std::optional<CopyWitness> dominance_witness(const linalg::Matrix<Rational>& block) {
  if (block.rows() != block.cols()) throw UsageError("a copy block is square");
  for (std::size_t r = 0; r < block.rows(); ++r) {
    Rational off = 0;
    for (std::size_t j = 0; j < block.cols(); ++j)
      if (j != r) off += block(r, j) < 0 ? Rational(-block(r, j)) : block(r, j);
    if (block(r, r) > off) continue;
    CopyWitness w;
    w.row = r;
    w.signs.assign(block.cols(), 1);
    for (std::size_t j = 0; j < block.cols(); ++j)
      if (j != r && block(r, j) > 0) w.signs[j] = -1;
    w.exact_output = block(r, r) - off;
    return w;
  }
  return std::nullopt;
}

}  // namespace freelunch::tasks
