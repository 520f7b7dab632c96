// LessonKit: see README.md, How the code is organised.
