# large multiplication within range
3037000499 * 3037000499
