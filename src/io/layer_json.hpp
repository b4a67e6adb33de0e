#pragma once
// A layer of one's own, read from JSON (docs/layer-json.md): one channel of a selective scan given
// discretized (a, b, c), a Mamba channel given (Δ, A, B, C) with its discretization, causal linear
// attention or causal softmax attention, with one input sequence and an optional copy schedule.
//
// Every number becomes an exact Rational:
//   "0.1", "-2.5e-3", "9/10", "7"  (strings)  the exact decimal or fraction they denote (parse_rational);
//   7, -3                          (JSON integers, 64-bit) that integer;
//   0.1, 1e-3, 2.0                 (other JSON numbers) the exact value of the binary64 number the
//                                  text rounds to (0.1 is 3602879701896397/36028797018963968),
//                                  counted in LayerSpec::binary64_numbers so that outputs can say so.
// Any problem (malformed JSON, a missing or unknown field, a wrong type, shapes that disagree, a
// non-finite number such as "inf" or 1e400, a sign the model forbids) is one UsageError whose
// message starts with the JSON pointer of the offending value, e.g. "/scan/a/3: ...".
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "arith/errors.hpp"
#include "arith/rational.hpp"
#include "models/linear_attention.hpp"
#include "models/mamba_channel.hpp"
#include "models/scan_params.hpp"
#include "models/softmax_attention.hpp"
#include "tasks/copy_schedule.hpp"

namespace freelunch::io {

enum class LayerKind { scan, mamba, linear_attention, softmax_attention };

// "scan", "mamba", "linear_attention", "softmax_attention": the top-level key of the layer.
std::string to_string(LayerKind kind);
using freelunch::to_string;  // and the one for rationals, not hidden by the one above

// A Mamba channel in (Δ, A, B, C) form, discretized in the arithmetic that evaluates it.
struct MambaLayer {
  models::MambaChannel<Rational> channel;
  models::Discretization discretization = models::Discretization::euler;
  std::optional<std::vector<Rational>> gate;  // z_1..z_N: the output is y_t · silu(z_t)
};

struct LayerSpec {
  // Attention values are the input: v = u as an N x 1 matrix (one channel, d_v = 1).
  std::variant<models::ScanParams<Rational>, MambaLayer, models::LinearAttention<Rational>, models::SoftmaxAttention<Rational>> layer;
  std::vector<Rational> input;                  // u_1..u_N
  std::optional<tasks::CopySchedule> schedule;  // from "schedule", if given
  std::string description;                      // "description", if given
  std::size_t binary64_numbers = 0;             // JSON numbers read as their exact binary64 values
  std::size_t decays_outside_unit = 0;          // scan and linear attention: decays a outside (0, 1]

  LayerKind kind() const { return static_cast<LayerKind>(layer.index()); }
  std::size_t length() const { return input.size(); }  // N
  // n: the state size (scan, Mamba), the key size (attention).
  std::size_t state() const;
  // Whether evaluation needs exp (the Mamba discretization, softmax): no `exact` run, and the
  // reference is an interval enclosure.
  bool needs_exp() const { return kind() == LayerKind::mamba || kind() == LayerKind::softmax_attention; }
  // "selective scan (a, b, c), N = 32, n = 16, scalar decay" and the like.
  std::string describe() const;
};

// Parses the text of a layer file. `memory_cap` bounds the bytes the exact parameters may take
// (numbers like "1e-999999" have millions of bits): exceeding it is a UsageError naming the value
// reached. Errors are UsageErrors starting with the JSON pointer of the problem.
LayerSpec parse_layer_json(const std::string& text, std::uint64_t memory_cap);

// Reads and parses a file; errors are prefixed with the path. A file whose parse tree would need
// more than `memory_cap` bytes (an estimate: kJsonBytesPerByte per byte of text) is refused
// before it is parsed.
// `-` reads standard input.
LayerSpec read_layer_file(const std::string& path, std::uint64_t memory_cap);
// The same for a text already in memory; `name` prefixes the errors ("<stdin>", "<dict>").
LayerSpec read_layer_text(const std::string& text, const std::string& name, std::uint64_t memory_cap);
inline constexpr std::uint64_t kJsonBytesPerByte = 16;

// A copy schedule over N positions from its text form (the --schedule option and the string form
// of "schedule"):
//   full       N = 2L: L inputs, then pos(L + r) = r          reverse   N = 2L, pos(L + r) = L + 1 - r
//   shift:K    pos(i) = i - K for i > K                       distance  one copy: pos(N) = 1
//   I:P,I:P,.. explicit 1-based pairs (output step I reads position P <= I)
// UsageError for anything else, for an odd N with full or reverse, or a pair outside 1 <= P <= I <= N.
tasks::CopySchedule parse_schedule(const std::string& text, std::size_t length);

}  // namespace freelunch::io
