# uses a free variable provided by scopedImport
magic * 2
