// The benchmark's own client (issue 7): to be written.
print("plexus-bench: not built yet")
