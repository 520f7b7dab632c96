// The learner's exercises live in this folder, one file each; see Exercises/README.md.
