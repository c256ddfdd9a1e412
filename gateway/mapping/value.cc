#include "gateway/mapping/value.h"

#include <algorithm>
#include <cstring>

namespace tributary::mapping {

std::string_view TextArena::Copy(std::string_view text) {
  if (text.empty()) return {};
  while (block_ < blocks_.size() && blocks_[block_].size - used_ < text.size()) {
    ++block_;
    used_ = 0;
  }
  if (block_ == blocks_.size()) {
    Block block;
    block.size = std::max(kBlockSize, text.size());
    block.data = std::make_unique<char[]>(block.size);
    blocks_.push_back(std::move(block));
    used_ = 0;
  }
  char* out = blocks_[block_].data.get() + used_;
  std::memcpy(out, text.data(), text.size());
  used_ += text.size();
  return std::string_view(out, text.size());
}

void TextArena::Reset() {
  // A text bigger than a block got a block of its own: drop those so one huge value does
  // not pin its memory for the rest of the run.
  std::erase_if(blocks_, [](const Block& block) { return block.size > kBlockSize; });
  block_ = 0;
  used_ = 0;
}

}  // namespace tributary::mapping
