// Package rules applies the branch's certification rules (DOMAIN.md §4, §5 and §7): the
// deliberation of a candidate's blocks, the eligibility of an applicant to a route, the
// composition of the blocks a candidate presents, and the training and internship hours owed.
//
// Everything here is pure: no I/O, no clock, no database. Every threshold, minimum, count and
// number of hours comes from the domain.Framework passed in, never from a constant, so a
// candidate is judged under the framework version they enrolled in. Every outcome comes with
// its French explanation, numbers included, so that a jury member can check it by hand.
//
// Deliberation has two entry points. Deliberate takes a Framework and a Candidate whose
// evaluations are keyed by codes, which is what the service and web layers hold. A Panel
// compiles a Framework once and judges many Sheets, the same input indexed by position, without
// allocating: that is what `cqp deliberate` uses for its hundred thousand candidates.
package rules
