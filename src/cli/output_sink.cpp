#include "cli/output_sink.hpp"

#include <cstdio>

namespace freelunch::cli {
namespace {
thread_local JsonCapture* active_capture = nullptr;

// Strings from a file (a description, a path) may hold bytes that are not UTF-8; JSON output
// must be UTF-8, so they become U+FFFD instead of an exception.
std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }
}  // namespace

JsonCapture::JsonCapture(std::optional<std::string> stdin_text) : stdin_text_(std::move(stdin_text)), outer_(active_capture) {
  active_capture = this;
}

JsonCapture::~JsonCapture() { active_capture = outer_; }

void emit_json(const nlohmann::json& j) {
  if (active_capture) {
    active_capture->text_ += dump(j) + "\n";
    return;
  }
  std::printf("%s\n", dump(j).c_str());
}

std::optional<std::string> captured_stdin() { return active_capture ? active_capture->stdin_text_ : std::nullopt; }

io::LayerSpec read_layer_argument(const std::string& path, std::uint64_t memory_cap) {
  if (path == "-")
    if (const auto text = captured_stdin()) return io::read_layer_text(*text, "<stdin>", memory_cap);
  return io::read_layer_file(path, memory_cap);
}

}  // namespace freelunch::cli
