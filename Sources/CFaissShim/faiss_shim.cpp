// implementation follows in faiss_shim.cpp
