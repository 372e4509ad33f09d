"""What other platforms read and run: Gradescope's autograder and results, exercism's results, LMS gradebooks."""
