namespace blockdb {}
