export { gradients } from './gradients';
export { rules, NON_DIFFERENTIABLE, type GradRule, type GradContext } from './rules';
export { unbroadcast, shapeOf, fillLike } from './helpers';
