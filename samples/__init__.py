"""Sample papers (fictional, written for this project) and the local server that serves them."""
