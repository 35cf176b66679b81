//! The states of federation's queues as the domain names them: the health of a destination
//! instance, how a delivery ended, and where a received activity stands.

use super::vocab::vocabulary;

vocabulary! {
    /// A destination instance: answering, backing off after failures, or dead (failing for
    /// longer than the dead-after setting, probed rarely until it speaks again).
    pub enum InstanceState ("instance state") {
        Up = "up" => "Up", "Attiva";
        Backoff = "backoff" => "Backing off", "In attesa";
        Dead = "dead" => "Dead", "Irraggiungibile";
    }
}

vocabulary! {
    /// How a delivery left the queue: delivered, or refused for good by its destination.
    pub enum DeliveryOutcome ("delivery outcome") {
        Delivered = "delivered" => "Delivered", "Consegnata";
        Refused = "refused" => "Refused", "Rifiutata";
    }
}

vocabulary! {
    /// A received activity: waiting to be applied, applied, or kept with its error.
    pub enum InboxState ("inbox state") {
        Pending = "pending" => "Pending", "In attesa";
        Applied = "applied" => "Applied", "Applicata";
        Failed = "failed" => "Failed", "Non applicata";
    }
}
