#include "runner/cli/progress.h"

namespace servebench::cli {
namespace {

constexpr int64_t kPlainEveryNs = 10'000'000'000;

}  // namespace

base::Expected<ProgressMode> ParseProgressMode(const std::string& text, bool terminal) {
  if (text == "none") return ProgressMode::kNone;
  if (text == "plain") return ProgressMode::kPlain;
  if (text == "bar") return ProgressMode::kBar;
  if (text == "auto") return terminal ? ProgressMode::kBar : ProgressMode::kPlain;
  return base::MakeError("--progress: expected none, plain, bar or auto, got '" + text + "'");
}

std::string DurationText(int64_t ns) {
  const int64_t s = ns / 1'000'000'000;
  char text[32];
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  }
  return text;
}

SuiteProgress::SuiteProgress(ProgressMode mode, int64_t repetitions, const base::Clock& clock,
                             FILE* out)
    : mode_(mode), total_(repetitions), clock_(clock), out_(out), start_ns_(clock.Now()) {}

std::string SuiteProgress::Header() const {
  const int64_t elapsed = clock_.Now() - start_ns_;
  // The time left at the pace of the repetitions done so far; unknown before the first ends.
  const std::string left = done_ == 0 ? "?" : DurationText(elapsed / done_ * (total_ - done_));
  return "[case " + std::to_string(case_number_) + "/" + std::to_string(case_count_) + "] " +
         case_name_ + "  repetition " + std::to_string(repetition_) + "/" +
         std::to_string(repetitions_) + "  elapsed " + DurationText(elapsed) + "  left ~" + left;
}

void SuiteProgress::Write(const std::string& line, const engine::Progress* live) {
  std::string text = line;
  if (live != nullptr) {
    const double seconds = static_cast<double>(live->elapsed_ns) / 1e9;
    char rate[96];
    std::snprintf(rate, sizeof rate, "  %s%llu requests  %.1f req/s  %llu errors",
                  live->warmup ? "warmup " : "", static_cast<unsigned long long>(live->done),
                  seconds > 0 ? static_cast<double>(live->done) / seconds : 0.0,
                  static_cast<unsigned long long>(live->errors));
    text += rate;
  }
  if (mode_ == ProgressMode::kBar) {
    std::fprintf(out_, "\r%s\033[K", text.c_str());  // \033[K clears what a longer line left
  } else {
    std::fprintf(out_, "%s\n", text.c_str());
  }
  std::fflush(out_);
}

void SuiteProgress::StartCase(const std::string& name, size_t number, size_t count) {
  case_name_ = name;
  case_number_ = number;
  case_count_ = count;
}

void SuiteProgress::StartRepetition(int64_t repetition, int64_t repetitions) {
  repetition_ = repetition;
  repetitions_ = repetitions;
  last_plain_ns_ = clock_.Now();
  if (mode_ != ProgressMode::kNone) Write(Header(), nullptr);
}

std::function<void(const engine::Progress&)> SuiteProgress::Live() {
  if (mode_ == ProgressMode::kNone) return nullptr;
  return [this](const engine::Progress& p) {
    if (mode_ == ProgressMode::kPlain) {
      if (clock_.Now() - last_plain_ns_ < kPlainEveryNs) return;
      last_plain_ns_ = clock_.Now();
    }
    Write(Header(), &p);
  };
}

void SuiteProgress::EndRepetition() {
  ++done_;
  if (mode_ == ProgressMode::kBar) {
    std::fputs("\n", out_);
    std::fflush(out_);
  }
}

}  // namespace servebench::cli
