"""The learning area: self-paced modules, quizzes and their results."""
