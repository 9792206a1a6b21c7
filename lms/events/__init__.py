"""Events: seminars, courses and network meetings (offerings), their sessions, and networks."""
