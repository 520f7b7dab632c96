// Reference solutions, one file per exercise, mirroring the files one folder up.
